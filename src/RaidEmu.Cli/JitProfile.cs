using System.Runtime;

namespace RaidEmu.Cli;

/// <summary>
/// The runtime's multicore JIT for each verb: a run records which methods it compiled, and the next run of that
/// verb compiles them on the second core while the first parses the command line and opens the array.
/// </summary>
/// <remarks>
/// Most of a short verb's time is fixed start-up, and about a third of that is JIT of code that precompiled
/// (ReadyToRun) images cannot hold: generic code over value types (the parser library's LINQ over key/value
/// pairs, the engine's span helpers) and the XOR and checksum kernels. A `check` of a 4 MiB array took 18 ms
/// less with a profile (README, Benchmarks). A profile only decides what is compiled early, and the runtime
/// ignores one that is stale or does not parse, but not every damaged one: a module record with a valid
/// layout and a broken name aborts the process on the runtime's own thread, where nothing can catch it. So
/// each run leaves a marker with its process id while it runs; a marker whose process is gone means a run
/// ended without exiting (a crash, or a kill), and the profile goes with it. At most one run pays for a
/// damaged file. Root never uses a folder that another user could own (its HOME may be a user's under sudo):
/// the runtime writes the profile with no protection against a link planted there.
/// </remarks>
internal static class JitProfile
{
    /// <summary>Set to 0 to record and use no profile, or to a folder to keep the profiles there.</summary>
    public const string Switch = "RAIDEMU_JIT_PROFILE";

    /// <summary>A profile larger than this is not one the runtime wrote (a verb's is about 20-60 KB).</summary>
    private const long MaxBytes = 4 << 20;

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
            string name = args[0] + ".jitprofile";
            string profile = Path.Combine(folder, name);
            DropAfterUncleanEnd(folder, args[0], profile);
            DropUnlikely(profile);

            string marker = Path.Combine(folder, $"{args[0]}.{Environment.ProcessId}.running");
            File.WriteAllBytes(marker, []);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(marker);
            ProfileOptimization.SetProfileRoot(folder);
            ProfileOptimization.StartProfile(name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // No writable cache (a read-only home, no home at all): the verb runs as it would without a profile.
        }
    }

    /// <summary>Markers of runs of this verb whose process is gone: each such run crashed or was killed, perhaps by its profile.</summary>
    private static void DropAfterUncleanEnd(string folder, string verb, string profile)
    {
        // Listed in full first, so deleting does not happen while the folder is being read.
        foreach (string marker in Directory.GetFiles(folder, verb + ".*.running"))
        {
            string pid = Path.GetFileName(marker)[(verb.Length + 1)..^".running".Length];
            if (int.TryParse(pid, out int id) && id > 0 && Running(id))
            {
                continue;
            }

            Delete(profile);
            Delete(marker);
        }
    }

    /// <summary>
    /// True while process <paramref name="id"/> exists and has not ended. A killed process stays a zombie until its
    /// parent reaps it, and an orphan's new parent may never do so (a container's first process often does not),
    /// so a zombie counts as ended: its state, the field after the last ')' of /proc/ID/stat, is Z or X.
    /// </summary>
    private static bool Running(int id)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{id}/stat");
            int end = stat.LastIndexOf(')');
            return end < 0 || end + 2 >= stat.Length || stat[end + 2] is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A link, an empty entry (a FIFO shows as one) or an oversized file is not the runtime's profile: removed, not followed.</summary>
    private static void DropUnlikely(string profile)
    {
        var info = new FileInfo(profile);
        if (info.LinkTarget != null || (info.Exists && (info.Length == 0 || info.Length > MaxBytes)))
        {
            Delete(profile);
        }
    }

    private static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone already, or not ours to remove: the next run tries again.
        }
    }

    /// <summary>
    /// The folder given in <see cref="Switch"/>; else, for root, /var/cache/raidemu/jit; else
    /// $XDG_CACHE_HOME/raidemu/jit or ~/.cache/raidemu/jit. Null when switched off or there is no home.
    /// </summary>
    internal static string? Folder()
    {
        string? chosen = Environment.GetEnvironmentVariable(Switch);
        if (chosen == "0")
        {
            return null;
        }

        if (!string.IsNullOrEmpty(chosen) && Path.IsPathRooted(chosen))
        {
            return chosen;
        }

        if (Environment.IsPrivilegedProcess)
        {
            return "/var/cache/raidemu/jit";
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
