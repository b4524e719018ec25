using Microsoft.Extensions.Time.Testing;
using RaidEmu.Core.Events;
using RaidEmu.Core.Power;

namespace RaidEmu.Core.Tests.Power;

/// <summary>The model tells what happened only once each instant has settled, outside its lock, and never waits itself.</summary>
[TestClass]
public sealed class PowerDeliveryTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [TestMethod]
    public void AHandlerThatCallsBackDuringARailChange_SeesTheSettledInstant_AndNeitherCorruptsNorDeadlocksTheModel()
    {
        var sink = new MemoryEventSink();
        // 900 W on two 800 W units without capping: losing A leaves B short, and power goes after the 12 ms hold-up.
        var power = new PowerSubsystem(new PowerConfig { BaseLoadWatts = 900 }, 0, Guid.Empty, sink, () => 0, new FakeTimeProvider(s_start));
        var seen = new List<string>();
        power.RailChanged += (from, to) =>
        {
            var saved = power.Snapshot();
            bool otherThreadGetsIn = Task.Run(() => power.Snapshot()).Wait(TimeSpan.FromSeconds(5));
            double delivered = power.Supplies.Where(s => s.Delivering).Sum(s => s.OutputWatts);
            seen.Add($"{from}->{to} at {(power.Now - s_start).TotalMilliseconds} ms: rail {power.Rail}, saved {saved.Rail}, group {power.GroupStatus}, "
                + $"{delivered:0} W delivered of {power.LoadWatts:0} W, model free: {otherThreadGetsIn}");
            if (to == RailState.Off)
            {
                // The serving process's kind of reaction: act on the model from inside the notification.
                power.Repair("A");
            }
        };

        Assert.IsTrue(Task.Run(() => power.Fail("A")).Wait(TimeSpan.FromSeconds(20)), "the operation deadlocked");

        CollectionAssert.AreEqual(
            new[]
            {
                "Good->Warning at 0 ms: rail Warning, saved Warning, group Insufficient, 900 W delivered of 900 W, model free: True",
                "Warning->Off at 12 ms: rail Off, saved Off, group Insufficient, 0 W delivered of 0 W, model free: True",
                "Off->Good at 12 ms: rail Good, saved Good, group NonRedundantSufficient, 900 W delivered of 900 W, model free: True",
            },
            seen,
            string.Join(Environment.NewLine, seen));
        CollectionAssert.AreEqual(
            new[]
            {
                (EventTypes.PowerSupplyFailed, "08h/01"), (EventTypes.PowerSupplyGroupCritical, "0Bh/05"), (EventTypes.ChassisPoweredOff, "09h/04"),
                (EventTypes.PowerSupplyRestored, "08h/01 deasserted"), (EventTypes.ChassisPoweredOn, null), (EventTypes.PowerSupplyGroupWarning, "0Bh/04"),
            },
            sink.Events.Select(e => (e.Type, e.Ipmi)).ToArray());
        Assert.AreEqual(RailState.Good, power.Rail);
        Assert.AreEqual(1600, power.CapacityWatts);
    }

    [TestMethod]
    public void EventsAreLoggedOnlyOnceTheInstantHasSettled()
    {
        PowerSubsystem? power = null;
        var whenLogged = new List<string>();
        var sink = new CallbackSink(e => whenLogged.Add($"{e.Type}: group {power!.GroupStatus}, B gives {power.Supplies[1].OutputWatts:0} W"));
        power = new PowerSubsystem(new PowerConfig { BaseLoadWatts = 600 }, 0, Guid.Empty, sink, () => 0, new FakeTimeProvider(s_start));
        power.Pull("A");
        CollectionAssert.AreEqual(
            new[]
            {
                "PowerSupplyRemoved: group NonRedundantSufficient, B gives 600 W",
                "PowerSupplyGroupWarning: group NonRedundantSufficient, B gives 600 W",
            },
            whenLogged,
            string.Join(Environment.NewLine, whenLogged));
    }

    [TestMethod]
    public void ThePacerWaitsForEachInstantInOrder_HoldingNoLock_AndTheModelNeverWaitsWithoutOne()
    {
        var sink = new MemoryEventSink();
        PowerSubsystem? power = null;
        var pacer = new RecordingPacer(() => Task.Run(() => power!.Snapshot()).Wait(TimeSpan.FromSeconds(5)));
        power = new PowerSubsystem(new PowerConfig { Mode = RedundancyMode.Failover, BaseLoadWatts = 600, WakeMs = 2000 }, 0, Guid.Empty, sink, () => 0, new FakeTimeProvider(s_start))
        {
            Pacer = pacer,
        };
        power.Fail("A");
        CollectionAssert.AreEqual(new[] { s_start.AddMilliseconds(12), s_start.AddMilliseconds(2000) }, pacer.Waited);
        Assert.IsTrue(pacer.ModelFree.All(free => free), "the model's lock is free while the pacer waits");
        Assert.AreEqual(RailState.Good, power.Rail);
    }

    private sealed class CallbackSink(Action<ArrayEvent> onAppend) : IEventSink
    {
        public void Append(ArrayEvent entry) => onAppend(entry);
    }

    private sealed class RecordingPacer(Func<bool> modelFree) : ITimelinePacer
    {
        public List<DateTimeOffset> Waited { get; } = [];

        public List<bool> ModelFree { get; } = [];

        public void WaitUntil(DateTimeOffset due)
        {
            Waited.Add(due);
            ModelFree.Add(modelFree());
        }
    }
}
