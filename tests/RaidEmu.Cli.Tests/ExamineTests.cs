using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RaidEmu.Core.Metadata;
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

    [TestMethod]
    public void Examine_ShowsTheBadBlockLog_AndReportsDamageWithoutFailing()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("bb");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "3M").Ok();
        string file = Path.Combine(array, "disk1.img");

        var fresh = JsonDocument.Parse(Cli.Run("examine", file, "--json").Ok().Out).RootElement.GetProperty("badBlockLog");
        Assert.AreEqual(16, fresh.GetProperty("offsetSectors").GetInt32());
        Assert.AreEqual(512, fresh.GetProperty("entriesAvailable").GetInt32());
        Assert.AreEqual(0, fresh.GetProperty("entriesUsed").GetInt32());

        // Record two runs the way md does: the log, then the feature bit in the superblock.
        BadBlockFiles.WriteLog(file, BadBlockLog.Encode([(40, 8), (100, 700)], 8));
        var json = JsonDocument.Parse(Cli.Run("examine", file, "--json").Ok().Out).RootElement.GetProperty("badBlockLog");
        Assert.AreEqual(3, json.GetProperty("entriesUsed").GetInt32());
        var listed = json.GetProperty("badBlocks").EnumerateArray().Select(e => (e.GetProperty("sector").GetInt64(), e.GetProperty("count").GetInt64())).ToList();
        CollectionAssert.AreEqual(new List<(long, long)> { (40, 8), (100, 512), (612, 188) }, listed);
        string text = Cli.Run("examine", file).Ok().Out;
        StringAssert.Contains(text, "Bad Block Log : 512 entries available at offset 16 sectors, 3 used");
        StringAssert.Contains(text, "100 for 512 sectors");

        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        BadBlockFiles.WriteLog(file, garbage);
        var damaged = Cli.Run("examine", file).Ok().Out;
        StringAssert.Contains(damaged, "Bad-blocks list is damaged");
        StringAssert.Contains(damaged, "disk1.img");
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
