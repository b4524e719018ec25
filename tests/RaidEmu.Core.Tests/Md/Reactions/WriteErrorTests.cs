using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using static RaidEmu.Core.Tests.Md.Reactions.ErringArrays;

namespace RaidEmu.Core.Tests.Md.Reactions;

/// <summary>md's narrow_write_error: blocks a member cannot write are recorded bad, the member stays, reads go around them.</summary>
[TestClass]
public sealed class WriteErrorTests
{
    [TestMethod]
    [DataRow(RaidLevel.Raid1, 2)]
    [DataRow(RaidLevel.Raid1, 3)]
    [DataRow(RaidLevel.Raid5, 4)]
    public void UnwritableBlock_IsRecorded_MemberKept_ReadsServedFromRedundancy(RaidLevel level, int disks)
    {
        var sink = new MemoryEventSink();
        using var array = level == RaidLevel.Raid1 ? Mirror(disks, sink, out var devices, out var model) : Striped(disks, sink, out devices, out model);
        devices[1].Unwritable(DataOffset + 20480 + 100, 10);

        // Rewrite everything: the writes touching that sector of disk 1 fail there only.
        var fresh = TestArrays.RandomBytes((int)array.Length, 99);
        array.Write(0, fresh);
        fresh.CopyTo(model, 0);

        var member = array.Members[1];
        Assert.AreEqual(MemberState.InSync, member.State);
        CollectionAssert.AreEqual(new[] { new BadBlock(40, 8) }, member.BadBlocks.Runs.ToArray());
        Assert.AreEqual(1, Count(sink, EventTypes.BadBlockRecorded));
        Assert.AreEqual(0, array.Unrecoverable.Count);

        for (int pass = 0; pass < disks; pass++)
        {
            AssertReadsBack(array, model, 4096);
        }

        // Once the disk takes writes again, a write over the block clears it.
        devices[1].ClearFaults();
        array.Write(0, fresh);
        Assert.IsTrue(member.BadBlocks.IsEmpty);
        Assert.AreEqual(1, Count(sink, EventTypes.BadBlockCleared));
        AssertReadsBack(array, model);
    }

    [TestMethod]
    public void Raid5_WritesOverABadParityOrDataBlock_KeepParityRight()
    {
        var sink = new MemoryEventSink();
        using var array = Striped(4, sink, out var devices, out var model);
        for (int d = 0; d < 4; d++)
        {
            devices[d].Unwritable(DataOffset + (d * 16 * 1024 * 3) + 8192, 4096);
        }

        WriteRandomly(array, model, seed: 8, count: 200, longest: 6000);

        AssertReadsBack(array, model, 3000);
        Assert.IsTrue(array.Members.All(m => m.State == MemberState.InSync));
        Assert.IsTrue(array.Members.Sum(m => m.BadBlocks.Sectors) > 0);

        // Every member must be able to leave: the stripe is consistent wherever no bad block sits.
        devices.ForEach(d => d.ClearFaults());
        array.Write(0, model);
        Assert.IsTrue(array.Members.All(m => m.BadBlocks.IsEmpty));
        TestArrays.AssertParityConsistent(array);
    }

    [TestMethod]
    public void FullLog_FailsTheMember()
    {
        var sink = new MemoryEventSink();
        using var array = Mirror(2, sink, out var devices, out var model);
        // One entry at the start and the rest in one long run (past the small test disk, which the list allows):
        // the log is full, and a block elsewhere needs one more entry.
        Assert.IsTrue(array.Members[1].BadBlocks.Add(0, 1));
        Assert.IsTrue(array.Members[1].BadBlocks.Add(4096, (BadBlockList.MaxEntries - 1) * (long)BadBlockList.MaxEntrySectors));
        Assert.AreEqual(BadBlockList.MaxEntries, array.Members[1].BadBlocks.EntryCount);
        devices[1].ClearFaults();

        devices[1].Unwritable(DataOffset + (400 * 1024), 512);
        array.Write(400 * 1024, new byte[4096]);

        Assert.AreEqual(MemberState.Faulty, array.Members[1].State);
        StringAssert.Contains(sink.Events.Single(e => e.Type == EventTypes.MemberFailed).Details, "full");
    }

    [TestMethod]
    public void NoLog_FailsTheMember()
    {
        var sink = new MemoryEventSink();
        using var array = Mirror(2, sink, out var devices, out var model);
        array.Members[1].OnDisk!.BadBlockLogOffset = 0; // as a member made before RaidEmu wrote logs
        devices[1].Unwritable(DataOffset + 4096, 512);
        array.Write(0, new byte[16384]);
        new byte[16384].CopyTo(model, 0);

        Assert.AreEqual(MemberState.Faulty, array.Members[1].State);
        StringAssert.Contains(sink.Events.Single(e => e.Type == EventTypes.MemberFailed).Details, "no bad-block log");
        AssertReadsBack(array, model);
    }

    [TestMethod]
    public void Degraded_WriteError_FailsTheMemberAsNoOtherCopyExists()
    {
        var sink = new MemoryEventSink();
        using var array = Striped(4, sink, out var devices, out _);
        array.Fail(3);
        devices[0].Unwritable(DataOffset + 4096, 512);
        Assert.ThrowsExactly<ArrayFailedException>(() => array.Write(0, new byte[16384]));
        Assert.AreEqual(MemberState.Faulty, array.Members[0].State);
        StringAssert.Contains(sink.Events.First(e => e.Type == EventTypes.MemberFailed && e.Member == 0).Details, "no other member");
    }
}
