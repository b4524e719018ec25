using Microsoft.Extensions.Time.Testing;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Metadata;
using RaidEmu.Core.Tests.Md;

namespace RaidEmu.Core.Tests.Mdadm;

[TestClass]
public sealed class AssemblyTests
{
    [TestMethod]
    public void CleanStop_ReassemblesOptimal_WithSameData()
    {
        var array = TestArrays.Raid5(out var devices);
        var expected = TestArrays.FillRandom(array, 1);
        ulong events = array.EventCount;
        var uuid = array.Uuid;
        array.Dispose();

        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink());
        Assert.AreEqual(uuid, again.Uuid);
        Assert.AreEqual(ArrayState.Optimal, again.State);
        Assert.IsTrue(again.EventCount > events, "marking clean at stop bumps the event count");
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(again));
    }

    [TestMethod]
    public void StaleMember_IsRebuilt_AndNeverRead()
    {
        var array = TestArrays.Raid5(out var devices);
        TestArrays.FillRandom(array, 2);
        var oldCopy = TestArrays.Snapshot(devices[2]);
        array.Dispose();

        // A stop and a new dirty period put the copy two events behind: one event behind is accepted as md does.
        array = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink());
        var expected = TestArrays.FillRandom(array, 3);
        array.Dispose();

        // Put an old copy of member 2 back in place, as an operator restoring a backup by mistake would.
        var stale = new FaultyBlockDevice(new MemoryBlockDevice(oldCopy.Length));
        stale.Write(0, oldCopy);
        devices[2] = stale;
        var sink = new MemoryEventSink();
        using var again = Assembler.Assemble(TestArrays.Sources(devices), sink);
        Assert.AreEqual(MemberState.Rebuilding, again.Members[2].State);
        Assert.IsTrue(again.Members[2].WasStale);
        long readsAtAssembly = stale.Reads;

        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(again), "reads come from the others, never the stale member");
        Assert.AreEqual(readsAtAssembly, stale.Reads, "the stale member was read after assembly");

        again.RunSync();
        Assert.AreEqual(ArrayState.Optimal, again.State);
        Assert.IsTrue(sink.Events.Any(e => e.Type == EventTypes.MemberStale && e.Member == 2));
        TestArrays.AssertParityConsistent(again);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(again));
    }

    [TestMethod]
    public void KilledRebuild_ResumesWhereItStopped()
    {
        var clock = new FakeTimeProvider();
        var first = TestArrays.Raid5(out var devices, stripes: 40, clock: clock);
        var expected = TestArrays.FillRandom(first, 4);
        first.Dispose();

        // A clean array rebuilt offline: a kill during a rebuild of a dirty array would (rightly) need force.
        var array = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), clock: clock);
        array.Fail(1);
        array.Add(new MemoryBlockDevice(devices[0].Length));
        devices.Add(array.Members.Single(m => m.DevNumber == 4).Device);

        // Time runs 2 s per stripe so every stripe is checkpointed; the "kill" is an exception thrown
        // out of the progress callback half-way, after which nothing more reaches the disks.
        var killer = new KillAt(clock, array.Geometry.ComponentBytes / 2);
        Assert.ThrowsExactly<KillException>(() => array.RunSync(killer));
        array.Abandon();

        var sink = new MemoryEventSink();
        using var again = Assembler.Assemble(TestArrays.Sources(devices), sink);
        var rebuilding = again.Members.Single(m => m.DevNumber == 4);
        Assert.AreEqual(MemberState.Rebuilding, rebuilding.State);
        Assert.IsTrue(rebuilding.RecoveryOffset > 0 && rebuilding.RecoveryOffset < again.Geometry.ComponentBytes, $"resume point {rebuilding.RecoveryOffset}");

        long resumedFrom = rebuilding.RecoveryOffset;
        var seen = new List<long>();
        again.RunSync(new Recorder(seen));
        Assert.IsTrue(seen[0] > resumedFrom && seen[0] <= resumedFrom + again.Geometry.ChunkBytes, "recovery restarted from the beginning");
        StringAssert.Contains(sink.Events.First(e => e.Type == EventTypes.RecoveryStarted).Details, "resuming");
        TestArrays.AssertParityConsistent(again);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(again));
    }

    [TestMethod]
    public void KillBetweenSuperblockWrites_OneEventApart_StartsWithEveryByte()
    {
        var array = TestArrays.Raid5(out var devices);
        var expected = TestArrays.FillRandom(array, 11);
        array.Dispose();
        var before = devices.Select(ReadSuperblockArea).ToList();

        // The first write marks the array dirty, one member at a time; the process dies after the first member.
        array = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        array.Write(0, expected.AsSpan(0, 4096));
        array.Abandon();
        for (int i = 1; i < devices.Count; i++)
        {
            devices[i].Write(Superblock.ByteOffset, before[i]);
        }

        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        Assert.IsTrue(again.Members.All(m => m.State == MemberState.InSync), string.Join(", ", again.Members.Select(m => $"{m.DevNumber}:{m.State}/{m.Events}")));
        Assert.AreEqual(ArrayState.Resyncing, again.State, "the freshest superblock says dirty");
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(again));
    }

    [TestMethod]
    public void SpareGivenASlotInTheInterruptedRound_IsRebuiltNotTrusted()
    {
        var array = TestArrays.Raid5(out var devices, spares: 1);
        var expected = TestArrays.FillRandom(array, 12);
        array.Dispose();
        array = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);

        // Failing member 1 hands its slot to the spare. Make the spare's own superblock the one from just before
        // the last round: one event behind, still calling itself a spare.
        array.Fail(1);
        array.Abandon();
        var spare = Superblock.Read(devices[4], "spare");
        spare.Events--;
        spare.FeatureMap = 0;
        spare.RecoveryOffset = 0;
        spare.Roles[4] = DeviceRole.Spare;
        var block = new byte[Superblock.BlockBytes];
        spare.WriteTo(block);
        devices[4].Write(Superblock.ByteOffset, block);

        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        Assert.AreNotEqual(MemberState.InSync, again.Members.Single(m => m.DevNumber == 4).State, "its data was never rebuilt");
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(again));
    }

    [TestMethod]
    public void MemberMdNoLongerLists_IsStale_NotASpare()
    {
        var array = TestArrays.Raid5(out var devices);
        array.Dispose();
        var old = ReadSuperblockArea(devices[2]);
        array = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        array.Fail(2);
        array.Remove(2);
        var expected = TestArrays.FillRandom(array, 13);
        array.Dispose();

        // The member comes back with its old superblock: it held slot 2, events far behind, and the array's table says 0xffff.
        devices[2].Write(Superblock.ByteOffset, old);
        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        var stale = again.Members.Single(m => m.DevNumber == 2);
        Assert.AreEqual(MemberState.Stale, stale.State);
        Assert.AreEqual(ArrayState.Degraded, again.State);
        Assert.IsNull(again.PendingSync, "a stale member is never rebuilt onto without an explicit add");
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(again));

        // A failure elsewhere does not pull it in as a spare either.
        again.Write(0, new byte[4096]);
        Assert.AreEqual(MemberState.Stale, stale.State);
    }

    [TestMethod]
    public void MissingMember_WithAHotSpare_RecoversOntoTheSpare()
    {
        var array = TestArrays.Raid5(out var devices, spares: 1);
        var expected = TestArrays.FillRandom(array, 14);
        array.Dispose();
        devices.RemoveAt(1);

        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        var spare = again.Members.Single(m => m.DevNumber == 4);
        Assert.AreEqual(MemberState.Rebuilding, spare.State);
        Assert.AreEqual(1, spare.Slot);
        Assert.AreEqual(SyncKind.Recovery, again.PendingSync);
        again.RunSync();
        Assert.AreEqual(ArrayState.Optimal, again.State);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(again));
    }

    [TestMethod]
    public void MembersFailedOneAfterAnother_ForceTakesBackTheFreshest_AndRefusesMadeUpData()
    {
        var array = TestArrays.Raid5(out var devices);
        TestArrays.FillRandom(array, 15);
        array.Fail(1);
        var expected = TestArrays.FillRandom(array, 16);
        array.Fail(2);
        Assert.AreEqual(ArrayState.Failed, array.State);
        array.Dispose();

        Assert.ThrowsExactly<ArrayFailedException>(() => Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false));

        // Without disk 2 nothing holds slot 2's data: force must refuse rather than make it up.
        var refused = Assert.ThrowsExactly<ArrayFailedException>(
            () => Assembler.Assemble(TestArrays.Sources(devices.Where((_, i) => i != 2)), new MemoryEventSink(), force: true, ownsDevices: false));
        StringAssert.Contains(refused.Message, "made-up data");

        var sink = new MemoryEventSink();
        using var forced = Assembler.Assemble(TestArrays.Sources(devices), sink, force: true, ownsDevices: false);
        Assert.AreEqual(ArrayState.Degraded, forced.State);
        Assert.AreEqual(MemberState.InSync, forced.Members.Single(m => m.DevNumber == 2).State, "the last to fail missed no write");
        Assert.AreEqual(MemberState.Faulty, forced.Members.Single(m => m.DevNumber == 1).State, "disk 1 missed writes");
        StringAssert.Contains(forced.ForceNotes.Single(), "disk 2 (mem2) taken back into slot 2");
        Assert.AreEqual(EventTypes.ArrayForced, sink.Events.Single().Type);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(forced));
    }

    private static byte[] ReadSuperblockArea(IBlockDevice device)
    {
        var block = new byte[Superblock.BlockBytes];
        device.Read(Superblock.ByteOffset, block);
        return block;
    }

    [TestMethod]
    public void DirtyAndDegradedRaid5_RefusesToStart_UnlessForced()
    {
        var array = TestArrays.Raid5(out var devices);
        var expected = TestArrays.FillRandom(array, 5);
        array.Abandon();
        devices.RemoveAt(3);

        var error = Assert.ThrowsExactly<ArrayStartRefusedException>(() => Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink()));
        StringAssert.Contains(error.Message, "write hole");

        var sink = new MemoryEventSink();
        using var forced = Assembler.Assemble(TestArrays.Sources(devices), sink, force: true);
        Assert.AreEqual(ArrayState.Degraded, forced.State);
        Assert.AreEqual(EventTypes.ArrayForced, sink.Events.Single().Type);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(forced), "every write completed before the crash, so nothing was torn");
    }

    [TestMethod]
    public void DirtyButComplete_StartsWithAResyncPending()
    {
        var array = TestArrays.Raid1(out var devices);
        array.Write(0, new byte[] { 1, 2, 3 });
        array.Abandon();
        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink());
        Assert.AreEqual(ArrayState.Resyncing, again.State);
        Assert.AreEqual(SyncKind.Resync, again.PendingSync);
        again.RunSync();
        Assert.AreEqual(ArrayState.Optimal, again.State);
    }

    [TestMethod]
    public void Raid5_OneMissing_StartsDegraded_TwoMissing_DoesNotStart()
    {
        var array = TestArrays.Raid5(out var devices);
        var expected = TestArrays.FillRandom(array, 6);
        array.Dispose();

        using (var degraded = Assembler.Assemble(TestArrays.Sources(devices.Where((_, i) => i != 0)), new MemoryEventSink()))
        {
            Assert.AreEqual(ArrayState.Degraded, degraded.State);
            CollectionAssert.AreEqual(expected, TestArrays.ReadAll(degraded));
        }

        var error = Assert.ThrowsExactly<ArrayFailedException>(() => Assembler.Assemble(TestArrays.Sources(devices.Take(2)), new MemoryEventSink(), ownsDevices: false));
        StringAssert.Contains(error.Message, "only 2 of 4");
    }

    [TestMethod]
    public void FailedMember_StaysFaulty_AfterReassembly()
    {
        var array = TestArrays.Raid5(out var devices);
        array.Fail(2);
        array.Dispose();
        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink());
        Assert.AreEqual(MemberState.Faulty, again.Members[2].State);
        Assert.AreEqual(ArrayState.Degraded, again.State);
        Assert.IsTrue(again.Members[2].Events < again.EventCount);
    }

    private sealed class KillException : Exception
    {
    }

    private sealed class KillAt(FakeTimeProvider clock, long at) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value)
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            if (value.DoneBytes >= at)
            {
                throw new KillException();
            }
        }
    }

    private sealed class Recorder(List<long> seen) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => seen.Add(value.DoneBytes);
    }
}
