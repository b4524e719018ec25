using Microsoft.Extensions.Time.Testing;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Tests.Md;

[TestClass]
public sealed class SafeModeTests
{
    [TestMethod]
    public void IdleArray_IsMarkedCleanAfterTheDelay_AndDirtyAgainOnTheNextWrite()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var sink = new MemoryEventSink();
        var array = TestArrays.Raid5(out var devices, sink: sink, clock: clock);
        array.SafeModeDelay = RaidArray.DefaultSafeModeDelay;
        ulong before = array.EventCount;

        array.Write(0, new byte[4096]);
        Assert.IsTrue(array.IsDirty);
        Assert.AreEqual(before + 1, array.EventCount, "going active bumps the event count");
        clock.Advance(TimeSpan.FromMilliseconds(150));
        Assert.IsTrue(array.IsDirty, "not idle long enough yet");
        array.Write(8192, new byte[4096]);
        clock.Advance(TimeSpan.FromMilliseconds(150));
        Assert.IsTrue(array.IsDirty, "the second write restarted the delay");
        clock.Advance(TimeSpan.FromMilliseconds(60));
        Assert.IsFalse(array.IsDirty);
        Assert.AreEqual(before + 2, array.EventCount, "going clean bumps the event count");

        // What a crash now leaves on the members: a clean array that needs no resync.
        array.Abandon();
        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink());
        Assert.AreEqual(ArrayState.Optimal, again.State);
        Assert.IsNull(again.PendingSync);

        var types = sink.Events.Select(e => e.Type).ToList();
        CollectionAssert.IsSubsetOf(new[] { EventTypes.ArrayDirty, EventTypes.ArrayClean }, types);
        Assert.IsTrue(types.IndexOf(EventTypes.ArrayDirty) < types.IndexOf(EventTypes.ArrayClean));
    }

    [TestMethod]
    public void WithoutSafeMode_ACrashAfterWritesLeavesTheArrayDirty()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var array = TestArrays.Raid5(out var devices, clock: clock);
        array.Write(0, new byte[4096]);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.IsTrue(array.IsDirty);
        array.Abandon();
        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink());
        Assert.AreEqual(SyncKind.Resync, again.PendingSync);
    }
}
