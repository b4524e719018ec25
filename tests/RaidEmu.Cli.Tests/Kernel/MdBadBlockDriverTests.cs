using System.Text.Json;
using RaidEmu.Core.Metadata;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Kernel;

/// <summary>RaidEmu's bad-block logs against the real Linux md driver, both ways: one VM boot.</summary>
[TestClass]
[DoNotParallelize]
public sealed class MdBadBlockDriverTests
{
    [TestMethod]
    public void MdLoadsTheLogsRaidEmuWrites_AndRaidEmuLoadsTheOnesMdWrites()
    {
        KernelKit.Get();
        using var tmp = new TempFolder();
        string array = tmp.Combine("bb");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "9M", "--chunk", "64K").Ok();
        var disks = Enumerable.Range(0, 3).Select(d => Path.Combine(array, $"disk{d}.img")).ToList();
        BadBlockFiles.WriteLog(disks[1], BadBlockLog.Encode([(40, 8), (100, 700)], 8));

        // md lists what we recorded on vdb; it records a range on vdc itself and writes it out at the stop
        // (a write makes the array dirty, so the stop writes every superblock and the changed log).
        string script = """
            mdadm --assemble /dev/md0 /dev/vda /dev/vdb /dev/vdc
            echo STATE=$(cat /sys/block/md0/md/array_state)
            echo OURS=$(cat /sys/block/md0/md/dev-vdb/bad_blocks | tr '\n' ' ')
            echo "2000 16" > /sys/block/md0/md/dev-vdc/bad_blocks
            dd if=/dev/zero of=/dev/md0 bs=4k count=1 oflag=direct 2>/dev/null
            mdadm --stop /dev/md0
            echo STOPPED=yes
            """;
        string output = MdVm.Run(disks, script);
        Assert.AreNotEqual("inactive", MdVm.Value(output, "STATE"), output);
        Assert.AreEqual("40 8 100 512 612 188", MdVm.Value(output, "OURS"), output);
        Assert.AreEqual("yes", MdVm.Value(output, "STOPPED"), output);

        var theirs = JsonDocument.Parse(Cli.Run("examine", disks[2], "--json").Ok().Out).RootElement.GetProperty("badBlockLog");
        var listed = theirs.GetProperty("badBlocks").EnumerateArray().Select(e => (e.GetProperty("sector").GetInt64(), e.GetProperty("count").GetInt64())).ToList();
        CollectionAssert.AreEqual(new List<(long, long)> { (2000, 16) }, listed, output);

        // The whole array assembles in RaidEmu with md's logs, and keeps both members' lists.
        var status = StoryTests.Status(array);
        Assert.AreEqual("optimal", status.GetProperty("state").GetString(), status.ToString());
    }
}
