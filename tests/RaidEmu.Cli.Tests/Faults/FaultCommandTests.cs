using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Faults;

/// <summary>raidemu fault on arrays nobody serves: faults.json, the listing, status and the event log.</summary>
[TestClass]
public sealed class FaultCommandTests
{
    [TestMethod]
    [DataRow("unreadable", 1, new[] { "--sectors", "100-107" }, "firstSector", 100L)]
    [DataRow("unwritable", 2, new[] { "--offset", "4K", "--length", "8K" }, "sectorCount", 16L)]
    [DataRow("corrupt", 0, new[] { "--sectors", "8", "--seed", "7" }, "seed", 7L)]
    [DataRow("slow", 1, new[] { "--latency", "5", "--jitter", "2", "--bandwidth", "50MB/s" }, "bytesPerSecond", 52428800L)]
    [DataRow("hang", 2, new[] { "--ms", "300", "--sectors", "0-63" }, "durationMs", 300L)]
    [DataRow("flaky", 0, new[] { "--rate", "0.25", "--seed", "3" }, "seed", 3L)]
    [DataRow("vanish", 1, new[] { "--ms", "600000" }, "durationMs", 600000L)]
    [DataRow("fail-after", 2, new[] { "--writes", "10", "--bytes", "1M" }, "afterBytes", 1048576L)]
    public void Every_kind_is_added_listed_saved_reported_and_cleared(string kind, int disk, string[] parameters, string field, long value)
    {
        using var tmp = new TempFolder();
        string array = Create(tmp);

        var added = Json(Cli.Run(["fault", "add", array, "--disk", $"{disk}", "--kind", kind, .. parameters, "--json"]).Ok().Out);
        Assert.AreEqual(kind, added.GetProperty("kind").GetString());
        Assert.AreEqual(disk, added.GetProperty("disk").GetInt32());
        Assert.AreEqual(value, added.GetProperty(field).GetInt64());
        int id = added.GetProperty("id").GetInt32();

        var listed = Json(Cli.Run("fault", "list", array, "--json").Ok().Out).EnumerateArray().Single();
        Assert.AreEqual(id, listed.GetProperty("id").GetInt32());
        Assert.AreEqual(kind, listed.GetProperty("kind").GetString());
        Assert.AreEqual(value, listed.GetProperty(field).GetInt64());

        var saved = Json(File.ReadAllText(Path.Combine(array, "faults.json"))).GetProperty("faults").EnumerateArray().Single();
        Assert.AreEqual(kind, saved.GetProperty("kind").GetString());
        Assert.AreEqual(disk, saved.GetProperty("disk").GetInt32());
        Assert.AreEqual(value, saved.GetProperty(field).GetInt64());

        var status = StoryTests.Status(array);
        if (kind == "vanish")
        {
            // A disk that is gone has no superblock to read: assembly leaves it out and says why.
            StringAssert.Contains(status.GetProperty("leftOut").EnumerateArray().Single().GetProperty("reason").GetString(), $"disk {disk} has vanished");
        }
        else
        {
            var onDisk = StoryTests.Member(status, disk).GetProperty("faults").EnumerateArray().Single();
            Assert.AreEqual(id, onDisk.GetProperty("id").GetInt32());
        }

        foreach (int other in new[] { 0, 1, 2 }.Where(d => d != disk))
        {
            Assert.AreEqual(0, StoryTests.Member(status, other).GetProperty("faults").GetArrayLength());
        }

        StringAssert.Contains(Cli.Run("fault", "list", array).Ok().Out, kind);
        var cleared = Json(Cli.Run("fault", "clear", array, "--id", $"{id}", "--json").Ok().Out).EnumerateArray().Single();
        Assert.AreEqual(id, cleared.GetProperty("id").GetInt32());
        Assert.AreEqual(0, Json(Cli.Run("fault", "list", array, "--json").Ok().Out).GetArrayLength());
        Assert.AreEqual(0, Json(File.ReadAllText(Path.Combine(array, "faults.json"))).GetProperty("faults").GetArrayLength());
        Assert.AreEqual(0, StoryTests.Member(StoryTests.Status(array), disk).GetProperty("faults").GetArrayLength());

        var events = Events(array);
        var injected = events.Single(e => e.GetProperty("type").GetString() == "FaultInjected");
        var gone = events.Single(e => e.GetProperty("type").GetString() == "FaultCleared");
        Assert.AreEqual(disk, injected.GetProperty("member").GetInt32());
        Assert.AreEqual(disk, gone.GetProperty("member").GetInt32());
        StringAssert.Contains(injected.GetProperty("details").GetString(), $"fault {id}: {kind}");
    }

    [TestMethod]
    public void A_range_is_kept_in_sectors_of_the_data_area()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp);
        var bytes = Json(Cli.Run("fault", "add", array, "--disk", "0", "--kind", "unreadable", "--offset", "1M", "--length", "1536", "--json").Ok().Out);
        Assert.AreEqual(2048, bytes.GetProperty("firstSector").GetInt64());
        Assert.AreEqual(3, bytes.GetProperty("sectorCount").GetInt64());
        var one = Json(Cli.Run("fault", "add", array, "--disk", "0", "--kind", "unreadable", "--sectors", "5", "--json").Ok().Out);
        Assert.AreEqual(5, one.GetProperty("firstSector").GetInt64());
        Assert.AreEqual(1, one.GetProperty("sectorCount").GetInt64());
        var whole = Json(Cli.Run("fault", "add", array, "--disk", "0", "--kind", "unreadable", "--json").Ok().Out);
        Assert.IsFalse(whole.TryGetProperty("firstSector", out _), "no range is the whole disk");
        StringAssert.Contains(Cli.Run("fault", "list", array).Ok().Out, "sectors 2048-2050");
    }

    [TestMethod]
    public void Clear_by_disk_keeps_the_other_disks_faults_and_clear_alone_clears_all()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp);
        Cli.Run("fault", "add", array, "--disk", "0", "--kind", "unreadable", "--sectors", "0-7").Ok();
        Cli.Run("fault", "add", array, "--disk", "1", "--kind", "corrupt", "--sectors", "0-7").Ok();
        Cli.Run("fault", "add", array, "--disk", "1", "--kind", "flaky", "--rate", "0.5").Ok();
        Cli.Run("fault", "add", array, "--disk", "2", "--kind", "vanish", "--ms", "100").Ok();

        StringAssert.Contains(Cli.Run("fault", "clear", array, "--disk", "1").Ok().Out, "disk 1: cleared fault 3: flaky");
        var left = Json(Cli.Run("fault", "list", array, "--json").Ok().Out).EnumerateArray().Select(f => f.GetProperty("disk").GetInt32()).ToList();
        CollectionAssert.AreEqual(new[] { 0, 2 }, left);

        Cli.Run("fault", "clear", array).Ok();
        Assert.AreEqual("no faults", Cli.Run("fault", "list", array).Ok().Out.Trim());
        Assert.AreEqual(4, Events(array).Count(e => e.GetProperty("type").GetString() == "FaultCleared"));
        Assert.AreEqual("no faults to clear", Cli.Run("fault", "clear", array).Ok().Out.Trim());

        // Ids are never given twice, even after every fault is gone.
        Assert.AreEqual(5, Json(Cli.Run("fault", "add", array, "--disk", "0", "--kind", "hang", "--ms", "10", "--json").Ok().Out).GetProperty("id").GetInt32());
    }

    [TestMethod]
    public void Status_shows_the_new_fields_for_every_member()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp);
        var status = StoryTests.Status(array);
        Assert.AreEqual(0, status.GetProperty("unrecoverable").GetArrayLength());
        foreach (int disk in new[] { 0, 1, 2 })
        {
            var member = StoryTests.Member(status, disk);
            Assert.AreEqual(0, member.GetProperty("correctedReadErrors").GetInt32());
            Assert.AreEqual(0, member.GetProperty("badBlocks").GetArrayLength());
            Assert.AreEqual(0, member.GetProperty("faults").GetArrayLength());
        }

        Assert.IsFalse(Cli.Run("status", array).Ok().Out.Contains("corrected read errors", StringComparison.Ordinal), "a healthy array's status stays short");
        Cli.Run("fault", "add", array, "--disk", "1", "--kind", "unreadable", "--sectors", "0-7").Ok();
        StringAssert.Contains(Cli.Run("status", array).Ok().Out, "disk 1: 0 corrected read errors, 0 bad sectors recorded; faults: 1 unreadable");
    }

    [TestMethod]
    public void A_change_waits_for_no_one_but_is_refused_while_another_process_holds_the_array()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp);
        using var holder = new FileStream(Path.Combine(array, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        Cli.Run("fault", "add", array, "--disk", "0", "--kind", "unreadable").Fails(1, "in use");
        Assert.IsFalse(File.Exists(Path.Combine(array, "faults.json")));
        Assert.AreEqual("no faults", Cli.Run("fault", "list", array).Ok().Out.Trim(), "listing only reads");
    }

    internal static string Create(TempFolder tmp, string name = "f")
    {
        string array = tmp.Combine(name);
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "4M", "--chunk", "64K", "--assume-clean").Ok();
        return array;
    }

    internal static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    internal static List<JsonElement> Events(string array) =>
        [.. Json(Cli.Run("events", array, "--json").Ok().Out).EnumerateArray()];
}
