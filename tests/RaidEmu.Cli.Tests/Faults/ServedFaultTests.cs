using System.Security.Cryptography;
using RaidEmu.Cli.Tests.Live;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Faults;

/// <summary>raidemu fault on a served array: through the control socket, onto the set the server applies.</summary>
[TestClass]
public sealed class ServedFaultTests
{
    [TestMethod]
    public void Every_kind_goes_through_the_control_socket_to_the_served_array()
    {
        using var tmp = new TempFolder();
        string array = FaultCommandTests.Create(tmp);
        using var server = Server.Serve(array);
        string[][] adds =
        [
            ["--disk", "0", "--kind", "unreadable", "--sectors", "100-107"],
            ["--disk", "1", "--kind", "unwritable", "--sectors", "200-207"],
            ["--disk", "2", "--kind", "corrupt", "--sectors", "300-307", "--seed", "9"],
            ["--disk", "0", "--kind", "slow", "--latency", "1"],
            ["--disk", "1", "--kind", "hang", "--ms", "50", "--sectors", "4000-4007"],
            ["--disk", "2", "--kind", "flaky", "--rate", "0", "--seed", "2"],
            ["--disk", "0", "--kind", "vanish", "--ms", "600000"],
            ["--disk", "1", "--kind", "fail-after", "--writes", "1000000"],
        ];

        // The server holds the folder's lock: an offline change would be refused, so success means the socket.
        foreach (var add in adds)
        {
            Cli.Run(["fault", "add", array, .. add]).Ok();
        }

        var listed = FaultCommandTests.Json(Cli.Run("fault", "list", array, "--json").Ok().Out).EnumerateArray()
            .Select(f => f.GetProperty("kind").GetString()).ToList();
        CollectionAssert.AreEqual(new[] { "unreadable", "unwritable", "corrupt", "slow", "hang", "flaky", "vanish", "fail-after" }, listed);
        Assert.AreEqual(8, FaultCommandTests.Json(File.ReadAllText(Path.Combine(array, "faults.json"))).GetProperty("faults").GetArrayLength());
        Assert.AreEqual(3, StoryTests.Member(StoryTests.Status(array), 0).GetProperty("faults").GetArrayLength());
        Assert.AreEqual(8, FaultCommandTests.Events(array).Count(e => e.GetProperty("type").GetString() == "FaultInjected"));

        Cli.Run("fault", "clear", array, "--disk", "0").Ok();
        Cli.Run("fault", "clear", array, "--id", "8").Ok();
        var left = FaultCommandTests.Json(Cli.Run("fault", "list", array, "--json").Ok().Out).EnumerateArray().Select(f => f.GetProperty("id").GetInt32()).ToList();
        CollectionAssert.AreEqual(new[] { 2, 3, 5, 6 }, left);
        Assert.AreEqual(4, FaultCommandTests.Events(array).Count(e => e.GetProperty("type").GetString() == "FaultCleared"));

        // Bad input through the socket is the same one line and exit 2.
        Cli.Run("fault", "add", array, "--disk", "5", "--kind", "unreadable").Fails(2, "array has no disk 5");
        Cli.Run("fault", "add", array, "--disk", "0", "--kind", "flaky", "--rate", "2").Fails(2, "--rate must be a probability from 0 to 1");

        server.Stop();
        // What the server held is what the folder keeps.
        CollectionAssert.AreEqual(left, FaultCommandTests.Json(Cli.Run("fault", "list", array, "--json").Ok().Out).EnumerateArray().Select(f => f.GetProperty("id").GetInt32()).ToList());
    }

    [TestMethod]
    public void Unreadable_sectors_under_written_data_still_read_back_the_written_bytes()
    {
        using var tmp = new TempFolder();
        string array = FaultCommandTests.Create(tmp);
        byte[] data = RandomNumberGenerator.GetBytes(256 * 1024);
        string input = tmp.Combine("in.bin");
        File.WriteAllBytes(input, data);
        using var server = Server.Serve(array);
        Cli.Run("write", array, "--input", input).Ok();

        // The first 64 KiB chunk of the volume is disk 0's data-area sectors 0-127 (left-symmetric RAID 5).
        Cli.Run("fault", "add", array, "--disk", "0", "--kind", "unreadable", "--sectors", "16-31").Ok();
        string output = tmp.Combine("out.bin");
        Cli.Run("read", array, "--output", output, "--length", $"{data.Length}").Ok();
        CollectionAssert.AreEqual(data, File.ReadAllBytes(output));
        var status = StoryTests.Status(array);
        Assert.AreEqual("optimal", status.GetProperty("state").GetString());
        Assert.AreEqual(0, status.GetProperty("unrecoverable").GetArrayLength());
        Assert.IsTrue(StoryTests.Member(status, 0).GetProperty("correctedReadErrors").GetInt32() >= 1, "md repaired the read error");

        // The repair rewrote the sectors: the drive remapped them, so the fault is spent, and they hold the data.
        Assert.AreEqual(0, FaultCommandTests.Json(Cli.Run("fault", "list", array, "--json").Ok().Out).GetArrayLength());
        server.Stop();
        using var member = File.OpenRead(Path.Combine(array, "disk0.img"));
        var onDisk = new byte[16 * 512];
        member.Position = RaidEmu.Core.Mdadm.ArrayCreateOptions.DataOffsetBytes + (16 * 512);
        member.ReadExactly(onDisk);
        CollectionAssert.AreEqual(data[(16 * 512)..(32 * 512)], onDisk);
    }

    [TestMethod]
    public void A_vanished_member_is_failed_while_gone_and_re_added_when_it_returns()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("v");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "8M", "--bitmap", "internal", "--bitmap-chunk", "64K", "--assume-clean").Ok();
        byte[] data = RandomNumberGenerator.GetBytes(128 * 1024);
        string input = tmp.Combine("in.bin");
        File.WriteAllBytes(input, data);
        using var server = Server.Serve(array);
        // The window starts when the fault is added; it is long enough that the write's process start-up fits
        // in it even on a loaded 2-core machine (3 s did not, with six builds running).
        Cli.Run("fault", "add", array, "--disk", "1", "--kind", "vanish", "--ms", "10000").Ok();
        Cli.Run("write", array, "--input", input).Ok();
        Assert.IsTrue(FaultCommandTests.Events(array).Any(e => e.GetProperty("type").GetString() == "MemberFailed"), "the write met the gap");

        // Back after the gap: md's re-add through the bitmap recovers what it missed, in the background.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (StoryTests.Status(array).GetProperty("state").GetString() != "optimal" && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(200);
        }

        var status = StoryTests.Status(array);
        Assert.AreEqual("optimal", status.GetProperty("state").GetString());
        var types = FaultCommandTests.Events(array).Select(e => e.GetProperty("type").GetString()).ToList();
        int failed = types.IndexOf("MemberFailed");
        int returned = types.IndexOf("MemberReturned");
        Assert.IsTrue(failed >= 0 && returned > failed, string.Join(",", types));
        Assert.AreEqual(0, FaultCommandTests.Json(Cli.Run("fault", "list", array, "--json").Ok().Out).GetArrayLength(), "a spent vanish leaves the list");
        server.Stop();
        Assert.AreEqual(0L, FaultCommandTests.Json(Cli.Run("check", array, "--json").Ok().Out).GetProperty("mismatches").GetInt64());
        string output = tmp.Combine("out.bin");
        Cli.Run("read", array, "--output", output, "--length", $"{data.Length}").Ok();
        CollectionAssert.AreEqual(data, File.ReadAllBytes(output));
    }
}
