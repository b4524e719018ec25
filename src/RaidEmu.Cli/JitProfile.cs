using System.Runtime;

namespace RaidEmu.Cli;

/// <summary>
/// The runtime's multicore JIT for each verb: a run records which methods it compiled, and the next run of that
/// verb compiles them on the second core while the first parses the command line and opens the array.
/// </summary>
/// <remarks>
/// Most of a short verb's time is fixed start-up, and about a third of that is JIT of code that precompiled
/// (ReadyToRun) images cannot hold: generic code over value types (the parser library's LINQ over key/value
/// pairs, the engine's span helpers) and the XOR and checksum kernels. A `check` of a 4 MiB array took 12 ms
/// less with a profile (README, Benchmarks). A profile only decides what is compiled early: the runtime checks
/// each module's identity and ignores a profile that does not match or does not parse, so a stale or damaged
/// file costs nothing but the gain.
/// </remarks>
internal static class JitProfile
{
    /// <summary>Set to 0 to record and use no profile.</summary>
    public const string Switch = "RAIDEMU_JIT_PROFILE";

    /// <summary>The verbs with a profile of their own; anything else (help, a typo) records none.</summary>
    internal static readonly string[] Verbs =
    [
        "add", "check", "create", "demo", "events", "examine", "fail", "fault", "mount", "psu", "read", "rebuild",
        "reliability", "remove", "repair", "scenario", "serve", "start", "status", "stop", "unmount", "write",
    ];

    /// <summary>Starts the profile of the verb in <paramref name="args"/>, if it has one and the cache folder can be made.</summary>
    public static void Start(string[] args)
    {
        if (args.Length == 0 || Array.IndexOf(Verbs, args[0]) < 0 || Folder() is not { } folder)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(folder);
            ProfileOptimization.SetProfileRoot(folder);
            ProfileOptimization.StartProfile(args[0] + ".jitprofile");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // No writable cache (a read-only home, no home at all): the verb runs as it would without a profile.
        }
    }

    /// <summary>$XDG_CACHE_HOME/raidemu/jit, else ~/.cache/raidemu/jit; null when switched off or there is no home.</summary>
    internal static string? Folder()
    {
        if (Environment.GetEnvironmentVariable(Switch) == "0")
        {
            return null;
        }

        string? cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache) || !Path.IsPathRooted(cache))
        {
            string? home = Environment.GetEnvironmentVariable("HOME");
            if (string.IsNullOrEmpty(home) || !Path.IsPathRooted(home))
            {
                return null;
            }

            cache = Path.Combine(home, ".cache");
        }

        return Path.Combine(cache, "raidemu", "jit");
    }
}
