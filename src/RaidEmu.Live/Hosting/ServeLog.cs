using System.Runtime.InteropServices;

namespace RaidEmu.Live.Hosting;

/// <summary>
/// The folder's serve.log, where a server started in the background writes. The starter names it in an
/// environment variable and the server takes it over only once it holds the folder's lock: a server refused
/// because another one runs never touches the running one's log. Until then its output goes to a file of
/// the starter's, which reports whatever went wrong.
/// </summary>
public static partial class ServeLog
{
    /// <summary>The log's name in the array folder.</summary>
    public const string FileName = "serve.log";

    /// <summary>Set by the starter to the log's full path.</summary>
    public const string Variable = "RAIDEMU_SERVE_LOG";

    private const int StandardOutput = 1;
    private const int StandardError = 2;

    /// <summary>
    /// With the lock held: empties the log and sends standard output and error (crashes too) to it. .NET's
    /// console writes through its own duplicates of descriptors 1 and 2, so every descriptor open on the
    /// same file as those two is pointed at the log, not only 1 and 2.
    /// </summary>
    public static void TakeOver()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } path)
        {
            return;
        }

        Environment.SetEnvironmentVariable(Variable, null);
        var outputs = new[] { Target(StandardOutput), Target(StandardError) }.OfType<string>().ToHashSet();
        var descriptors = Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Select(entry => int.TryParse(Path.GetFileName(entry), out int fd) ? fd : -1)
            .Where(fd => fd >= 0 && Target(fd) is { } target && outputs.Contains(target))
            .Append(StandardOutput)
            .Append(StandardError)
            .ToHashSet();
        using var log = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        int logFd = (int)log.DangerousGetHandle();
        foreach (int fd in descriptors.Where(fd => fd != logFd))
        {
            if (Dup2(logFd, fd) < 0)
            {
                throw new IOException($"cannot write to {path} (errno {Marshal.GetLastPInvokeError()})");
            }
        }
    }

    private static string? Target(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int from, int to);
}
