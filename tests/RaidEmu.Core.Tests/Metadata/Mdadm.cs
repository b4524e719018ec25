using System.Diagnostics;

namespace RaidEmu.Core.Tests.Metadata;

/// <summary>Runs Debian's mdadm as an outside reader of our metadata.</summary>
internal static class Mdadm
{
    public static string? Path =>
        new[] { "/usr/sbin/mdadm", "/sbin/mdadm", "/usr/bin/mdadm" }.FirstOrDefault(File.Exists);

    public static string Examine(string file) => Run("--examine", file);

    /// <summary>What <c>mdadm --examine-badblocks</c> lists for a member file.</summary>
    public static string ExamineBadBlocks(string file) => Run("--examine-badblocks", file);

    private static string Run(string verb, string file)
    {
        string mdadm = Path ?? throw new InvalidOperationException("mdadm is not installed");
        var info = new ProcessStartInfo(mdadm, [verb, file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, $"mdadm {verb} {file} failed:\n{output}");
        return output;
    }

    public static void RequireInstalled()
    {
        if (Path == null)
        {
            Assert.Inconclusive("mdadm is not installed (apt-get install mdadm); CI installs it");
        }
    }

    /// <summary>The value mdadm prints after "Key :".</summary>
    public static string Field(string output, string key)
    {
        foreach (string line in output.Split('\n'))
        {
            int colon = line.IndexOf(" : ", StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == key)
            {
                return line[(colon + 3)..].Trim();
            }
        }

        Assert.Fail($"mdadm printed no '{key}':\n{output}");
        return "";
    }
}
