using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests;

[TestClass]
public sealed class ExamineTests
{
    [TestMethod]
    public void Examine_AgreesWithMdadm_OnLevelRoleAndEvents()
    {
        string? mdadm = new[] { "/usr/sbin/mdadm", "/sbin/mdadm" }.FirstOrDefault(File.Exists);
        if (mdadm == null)
        {
            Assert.Inconclusive("mdadm is not installed (apt-get install mdadm); CI installs it");
        }

        using var tmp = new TempFolder();
        string array = tmp.Combine("ex");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "3M", "--chunk", "32K", "--spares", "1", "--layout", "right-asymmetric").Ok();
        Cli.Run("fail", array, "--disk", "1").Ok();
        foreach (int disk in new[] { 0, 2, 3 })
        {
            string file = Path.Combine(array, $"disk{disk}.img");
            var ours = JsonDocument.Parse(Cli.Run("examine", file, "--json").Ok().Out).RootElement;
            string theirs = RunMdadm(mdadm, file);
            Assert.AreEqual($"raid{ours.GetProperty("level").GetInt32()}", Field(theirs, "Raid Level"));
            Assert.AreEqual(ours.GetProperty("events").GetUInt64().ToString(CultureInfo.InvariantCulture), Field(theirs, "Events"));
            Assert.AreEqual(ours.GetProperty("layout").GetString(), Field(theirs, "Layout"));
            var role = ours.GetProperty("role");
            string expectedRole = role.ValueKind == JsonValueKind.Number ? $"Active device {role.GetInt32()}" : role.GetString()!;
            Assert.AreEqual(expectedRole, Field(theirs, "Device Role"));
        }

        // The spare took over slot 1.
        Assert.AreEqual("Active device 1", Field(RunMdadm(mdadm, Path.Combine(array, "disk3.img")), "Device Role"));
        StringAssert.Contains(Cli.Run("examine", Path.Combine(array, "disk0.img")).Ok().Out, "Raid Level : raid5");
    }

    private static string RunMdadm(string mdadm, string file)
    {
        var info = new ProcessStartInfo(mdadm, ["--examine", file]) { RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, output);
        StringAssert.Contains(output, "correct");
        return output;
    }

    private static string Field(string output, string key) =>
        output.Split('\n').Select(l => l.Split(" : ", 2)).Where(p => p.Length == 2 && p[0].Trim() == key).Select(p => p[1].Trim()).Single();
}
