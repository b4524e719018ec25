using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Metadata;
using RaidEmu.Core.Tests.Md;

namespace RaidEmu.Core.Tests.Mdadm;

/// <summary>A member's bad blocks and corrected read errors survive a stop, as md keeps them in its metadata.</summary>
[TestClass]
public sealed class BadBlockPersistenceTests
{
    [TestMethod]
    public void NewMembers_HaveAnEmptyLog()
    {
        using var array = TestArrays.Raid5(out var devices, spares: 1);
        foreach (var (member, device) in array.Members.Zip(devices))
        {
            Assert.IsTrue(member.HasBadBlockLog);
            var super = Superblock.Read(device, "m");
            Assert.AreEqual(16, super.BadBlockLogOffset);
            Assert.AreEqual((ushort)8, super.BadBlockLogSize);
            Assert.AreEqual(0u, super.FeatureMap & Superblock.FeatureBadBlocks);
            var log = new byte[4096];
            device.Read(BadBlockLog.ByteOffset(super), log);
            Assert.IsTrue(log.All(b => b == 0xff), "an empty log is all ones, as md writes it");
        }
    }

    [TestMethod]
    public void WithBitmap_TheLogFollowsIt()
    {
        var devices = TestArrays.NewDevices(3, TestArrays.DataOffset + (16 * 1024 * 12L));
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 3, ChunkBytes = 16 * 1024, AssumeClean = true, Bitmap = true, BitmapChunkBytes = 4096 };
        ArrayCreator.Create(options, TestArrays.Sources(devices), new MemoryEventSink()).Dispose();
        var super = Superblock.Read(devices[0], "m");
        Assert.AreEqual(8, super.BitmapOffset);
        Assert.AreEqual(16, super.BadBlockLogOffset, "the bitmap's header and bits fit one 4 KiB block");
        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        Assert.AreEqual(ArrayState.Optimal, again.State, "the bitmap survives next to the log");
    }

    [TestMethod]
    public void RecordedBadBlocks_AndCorrectedReads_SurviveStopAndAssembly()
    {
        // 64 stripes of 16 KiB: 2048 sectors of data area per member, room for a run the log splits in three.
        var array = TestArrays.Raid5(out var devices, stripes: 64);
        var member = array.Members[1];
        Assert.IsTrue(member.BadBlocks.Add(8, 8));
        Assert.IsTrue(member.BadBlocks.Add(64, 1200));
        member.CountCorrectedReadError();
        member.CountCorrectedReadError();
        array.Commit(EventTypes.BadBlockRecorded, member, "test");

        var super = Superblock.Read(devices[1], "m");
        Assert.AreEqual(Superblock.FeatureBadBlocks, super.FeatureMap & Superblock.FeatureBadBlocks);
        Assert.AreEqual(2u, super.CorrectedReads);
        Assert.AreEqual(0u, Superblock.Read(devices[0], "m").FeatureMap & Superblock.FeatureBadBlocks, "only the member with bad blocks announces them");
        array.Dispose();

        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        var back = again.Members[1];
        CollectionAssert.AreEqual(new[] { new BadBlock(8, 8), new BadBlock(64, 1200) }, back.BadBlocks.Runs.ToArray());
        Assert.AreEqual(2, back.CorrectedReadErrors);
        Assert.IsTrue(again.Members[0].BadBlocks.IsEmpty);

        // Clearing the list clears the feature bit; the next assembly finds none.
        back.BadBlocks.Clear(0, 10_000);
        again.Commit(EventTypes.BadBlockCleared, back, "test");
        Assert.AreEqual(0u, Superblock.Read(devices[1], "m").FeatureMap & Superblock.FeatureBadBlocks);
        again.Dispose();
        using var third = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        Assert.IsTrue(third.Members[1].BadBlocks.IsEmpty);
    }

    [TestMethod]
    public void ReAddedMember_BringsItsBadBlocksBack()
    {
        using var folder = new RaidEmu.Tests.Shared.TempFolder();
        string dir = folder.Combine("re");
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid1, RaidDisks = 2, Name = "re", Bitmap = true };
        using var array = ArrayFolder.Create(dir, options, 4 * 1024 * 1024, spares: 0);
        array.RunSync();
        array.Members[1].BadBlocks.Add(24, 8);
        array.Members[1].CountCorrectedReadError();
        array.Commit(EventTypes.BadBlockRecorded, array.Members[1], "test");
        array.Fail(1);
        ArrayFolder.RemoveMember(array, 1);

        var back = ArrayFolder.AddMember(dir, array, ArrayFolder.MemberPath(dir, 1) + ".removed");
        Assert.IsTrue(back.BitmapRecovery, "a re-add, not a new member");
        CollectionAssert.AreEqual(new[] { new BadBlock(24, 8) }, back.BadBlocks.Runs.ToArray());
        Assert.AreEqual(1, back.CorrectedReadErrors);
        Assert.AreEqual(Superblock.FeatureBadBlocks, Superblock.Read(array.Members[1].Device, "m").FeatureMap & Superblock.FeatureBadBlocks);
    }

    [TestMethod]
    public void UnchangedList_IsNotRewritten()
    {
        var devices = TestArrays.NewDevices(3, TestArrays.DataOffset + (16 * 1024 * 12L)).Select(d => (IBlockDevice)new RecordingDevice(d)).ToList();
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 3, ChunkBytes = 16 * 1024, AssumeClean = true };
        using var array = ArrayCreator.Create(options, TestArrays.Sources(devices), new MemoryEventSink());
        var recorder = (RecordingDevice)devices[2];
        long logAt = Superblock.ByteOffset + (16 * 512);
        Assert.AreEqual(1, recorder.Writes.Count(w => w == logAt), "creation writes the empty log once");

        array.Members[2].BadBlocks.Add(0, 8);
        array.Commit(EventTypes.BadBlockRecorded, array.Members[2], "test");
        array.Fail(0);
        Assert.AreEqual(2, recorder.Writes.Count(w => w == logAt), "only the change rewrote the log");
        int log = recorder.Writes.LastIndexOf(logAt);
        Assert.AreEqual(Superblock.ByteOffset, recorder.Writes[log + 1], "the log is written before the superblock that announces it");
    }

    [TestMethod]
    public void DamagedLog_LeavesTheMemberOut_WithTheReason()
    {
        var array = TestArrays.Raid5(out var devices);
        array.Members[2].BadBlocks.Add(0, 8);
        array.Commit(EventTypes.BadBlockRecorded, array.Members[2], "test");
        array.Dispose();
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        devices[2].Write(Superblock.ByteOffset + (16 * 512), garbage);

        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        Assert.AreEqual(ArrayState.Degraded, again.State);
        var left = again.LeftOut.Single();
        StringAssert.Contains(left.Reason, "mem2");
        StringAssert.Contains(left.Reason, "bad-block log");
    }

    [TestMethod]
    public void OldMemberWithoutLog_Assembles_ButCannotRecord()
    {
        var array = TestArrays.Raid5(out var devices);
        array.Dispose();
        var block = new byte[Superblock.BlockBytes];
        foreach (var device in devices)
        {
            // As RaidEmu wrote members before it had logs: bblog fields all zero.
            var super = Superblock.Read(device, "m");
            super.BadBlockLogOffset = 0;
            super.BadBlockLogSize = 0;
            super.WriteTo(block);
            device.Write(Superblock.ByteOffset, block);
        }

        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        Assert.AreEqual(ArrayState.Optimal, again.State);
        var member = again.Members[1];
        Assert.IsFalse(member.HasBadBlockLog);

        // md's super_1_sync fails a member that has bad blocks and nowhere to record them.
        member.BadBlocks.Add(0, 8);
        again.Commit(EventTypes.BadBlockRecorded, member, "test");
        Assert.AreEqual(MemberState.Faulty, member.State);
        Assert.AreEqual(0, Superblock.Read(devices[1], "m").BadBlockLogOffset, "the old member keeps its old layout");
    }
}
