using System.Diagnostics;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>A small tmpfs mounted for one test, so that its host file system really fills up (needs root).</summary>
internal sealed class SmallTmpfs : IDisposable
{
    private readonly TempFolder _folder = new();

    private SmallTmpfs()
    {
    }

    public string Path => _folder.Path;

    public static SmallTmpfs Mount(int megabytes)
    {
        if (Environment.UserName != "root")
        {
            Assert.Inconclusive("mounting a small tmpfs needs root");
        }

        var tmpfs = new SmallTmpfs();
        if (Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}M", "tmpfs", tmpfs.Path) != 0)
        {
            tmpfs._folder.Dispose();
            Assert.Inconclusive("mount -t tmpfs failed (no CAP_SYS_ADMIN in this container?)");
        }

        return tmpfs;
    }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Grows the file system: the space the user freed.</summary>
    public void Resize(int megabytes) => Assert.AreEqual(0, Run("mount", "-o", $"remount,size={megabytes}M", Path));

    public void Dispose()
    {
        Run("umount", "-l", Path);
        _folder.Dispose();
    }

    private static int Run(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
