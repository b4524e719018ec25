using System.Text.Json;
using RaidEmu.Core.Mdadm;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests;

[TestClass]
public sealed class StoryTests
{
    [TestMethod]
    public void CreateWriteFailAddRebuildCheck_EndToEnd()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("r5");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "9M", "--chunk", "64K").Ok();

        var data = new byte[20 * 1024 * 1024 + 12345];
        new Random(1).NextBytes(data);
        string input = tmp.Combine("input.bin");
        File.WriteAllBytes(input, data);
        StringAssert.Contains(Cli.Run("write", array, "--input", input, "--offset", "1000").Ok().Out, $"wrote {data.Length} bytes");

        Cli.Run("fail", array, "--disk", "1").Ok();
        var status = Status(array);
        Assert.AreEqual("degraded", status.GetProperty("state").GetString());
        Assert.AreEqual("faulty", Member(status, 1).GetProperty("state").GetString());
        Assert.AreEqual("missing", status.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("state").GetString() == "missing").GetProperty("state").GetString());
        AssertReadsBack(array, tmp, data, 1000);

        Cli.Run("remove", array, "--disk", "1").Ok();
        StringAssert.Contains(Cli.Run("add", array).Ok().Out, "replacement for slot 1");
        status = Status(array);
        Assert.AreEqual("recovering", status.GetProperty("state").GetString());
        Assert.AreEqual(0, status.GetProperty("recovery").GetProperty("offsetBytes").GetInt64());
        Assert.AreEqual(8L * 1024 * 1024, status.GetProperty("recovery").GetProperty("totalBytes").GetInt64());

        StringAssert.Contains(Cli.Run("rebuild", array).Ok().Out, "recovery complete");
        StringAssert.Contains(Cli.Run("check", array).Ok().Out, "check: 0 mismatched sectors");
        status = Status(array);
        Assert.AreEqual("optimal", status.GetProperty("state").GetString());
        Assert.AreEqual(0, status.GetProperty("lastCheck").GetProperty("mismatches").GetInt64());
        AssertReadsBack(array, tmp, data, 1000);

        var events = JsonDocument.Parse(Cli.Run("events", array, "--json").Ok().Out).RootElement.EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();
        var story = new[] { "ArrayCreated", "ResyncCompleted", "MemberFailed", "ArrayDegraded", "MemberRemoved", "MemberAdded", "RecoveryStarted", "RecoveryCompleted", "ArrayOptimal", "ScrubCompleted" };
        int at = 0;
        foreach (string? type in events)
        {
            if (at < story.Length && type == story[at])
            {
                at++;
            }
        }

        Assert.AreEqual(story.Length, at, $"events out of order: {string.Join(", ", events)}");
    }

    [TestMethod]
    public void StatusJson_HasEveryDocumentedField()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("r1");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "3M", "--spares", "1", "--name", "mirror").Ok();
        var status = Status(array);
        foreach (string key in new[] { "name", "uuid", "level", "chunkBytes", "sizeBytes", "dataOffsetBytes", "state", "events", "parityKernel", "members" })
        {
            Assert.IsTrue(status.TryGetProperty(key, out _), $"status --json lacks '{key}'");
        }

        Assert.AreEqual("mirror", status.GetProperty("name").GetString());
        Assert.AreEqual(1, status.GetProperty("level").GetInt32());
        Assert.AreEqual(2L * 1024 * 1024, status.GetProperty("sizeBytes").GetInt64());
        var spare = Member(status, 2);
        Assert.AreEqual("spare", spare.GetProperty("role").GetString());
        Assert.AreEqual("spare", spare.GetProperty("state").GetString());
        Assert.AreEqual("disk2.img", spare.GetProperty("file").GetString());
        Assert.AreEqual(0, Member(status, 0).GetProperty("role").GetInt32());
        Assert.AreEqual(status.GetProperty("events").GetUInt64(), Member(status, 0).GetProperty("events").GetUInt64());
    }

    [TestMethod]
    public void HotSpare_TakesOver_AndRebuildCompletesIt()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("spare");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "2M", "--chunk", "16K", "--spares", "1").Ok();
        StringAssert.Contains(Cli.Run("fail", array, "--disk", "0").Ok().Out, "hot spare disk 3 took over slot 0");
        Cli.Run("rebuild", array).Ok();
        var status = Status(array);
        Assert.AreEqual("optimal", status.GetProperty("state").GetString());
        Assert.AreEqual(0, Member(status, 3).GetProperty("role").GetInt32());
    }

    [TestMethod]
    public void Demo_PassesEveryComparison()
    {
        using var tmp = new TempFolder();
        var result = Cli.Run("demo", "--dir", tmp.Path).Ok();
        StringAssert.Contains(result.Out, "demo passed: every comparison held");
        StringAssert.Contains(result.Out, "identical to what was written");
    }

    [TestMethod]
    public void SecondProcess_IsRefused_NamingTheOwner()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("busy");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        using (ArrayLock.Acquire(array, "test holding the array"))
        {
            Cli.Run("fail", array, "--disk", "0").Fails(1, $"in use by process {Environment.ProcessId} (test holding the array)");
        }

        Cli.Run("fail", array, "--disk", "0").Ok();
    }

    [TestMethod]
    public void Help_ListsTheVerbs()
    {
        var result = Cli.Run("--help");
        Assert.AreEqual(0, result.Code);
        foreach (string verb in new[] { "create", "status", "examine", "fail", "remove", "add", "rebuild", "check", "repair", "write", "read", "events", "demo" })
        {
            StringAssert.Contains(result.Out, verb);
        }
    }

    internal static JsonElement Status(string array) =>
        JsonDocument.Parse(Cli.Run("status", array, "--json").Ok().Out).RootElement;

    internal static JsonElement Member(JsonElement status, int disk) =>
        status.GetProperty("members").EnumerateArray().Single(m => m.TryGetProperty("disk", out var d) && d.GetInt32() == disk);

    private static void AssertReadsBack(string array, TempFolder tmp, byte[] data, long offset)
    {
        string output = tmp.Combine($"out-{Guid.NewGuid():N}.bin");
        Cli.Run("read", array, "--output", output, "--offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture), "--length", data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Ok();
        CollectionAssert.AreEqual(data, File.ReadAllBytes(output));
    }
}
