using System.Diagnostics;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>Outside programs the live tests drive: each test that needs one is inconclusive without it.</summary>
internal static class Tools
{
    public static string Require(string name, string package)
    {
        if (Find(name) is { } path)
        {
            return path;
        }

        Assert.Inconclusive($"{name} is not installed (apt-get install {package}); CI installs it");
        return "";
    }

    /// <summary>Where a program is installed, or null.</summary>
    public static string? Find(string name) =>
        new[] { "/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    public static void RequireRootAndFuse()
    {
        if (Environment.UserName != "root")
        {
            Assert.Inconclusive("needs root (loop devices and mounts)");
        }

        if (!File.Exists("/dev/fuse"))
        {
            Assert.Inconclusive("/dev/fuse does not exist");
        }

        if (!File.Exists("/usr/lib/x86_64-linux-gnu/libfuse3.so.3") && !File.Exists("/lib/x86_64-linux-gnu/libfuse3.so.3"))
        {
            Assert.Inconclusive("libfuse3 is not installed (apt-get install fuse3 libfuse3-3); CI installs it");
        }
    }

    /// <summary>Runs a program to completion (bounded), returning exit code and combined output.</summary>
    public static (int Code, string Output) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(180_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish in 180 s");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public static string Ok(string program, params string[] args)
    {
        var (code, output) = Run(program, args);
        Assert.AreEqual(0, code, $"{program} {string.Join(' ', args)} failed:\n{output}");
        return output;
    }
}
