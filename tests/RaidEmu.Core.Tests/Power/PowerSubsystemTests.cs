using Microsoft.Extensions.Time.Testing;
using RaidEmu.Core.Events;
using RaidEmu.Core.Power;

namespace RaidEmu.Core.Tests.Power;

/// <summary>
/// Acceptance scenarios for redundant supplies, on the simulated clock: load sharing, N+M, failover and manual
/// sparing, capping against hold-up, dropouts, grid (N+N) redundancy, hot spare, predictive failure, a
/// mismatched unit and re-insertion, each with the Redfish message and IPMI offset a real BMC would log.
/// </summary>
[TestClass]
public sealed class PowerSubsystemTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [TestMethod]
    public void Sharing_PullOneOfTwo_SurvivorCarriesTheLoad_GroupWarning()
    {
        var (power, sink) = Make(new PowerConfig { BaseLoadWatts = 600 });
        Assert.AreEqual(GroupStatus.FullyRedundant, power.GroupStatus);
        Assert.AreEqual(300, power.Supplies[0].OutputWatts, 0.01, "active redundancy: the load is shared");
        power.Pull("A");
        Assert.AreEqual(RailState.Good, power.Rail);
        Assert.AreEqual(600, power.Supplies[1].OutputWatts, 0.01);
        Assert.AreEqual(GroupStatus.NonRedundantSufficient, power.GroupStatus);
        AssertEvents(sink, ("PowerSupplyRemoved", "08h/00 deasserted"), ("PowerSupplyGroupWarning", "0Bh/01+03"));
        Assert.IsFalse(power.Timeline.Any(s => s.Rail == RailState.Off));
    }

    [TestMethod]
    public void Sharing_CordPulledAndRestored()
    {
        var (power, sink) = Make(new PowerConfig { BaseLoadWatts = 600 });
        power.Unplug("A");
        Assert.IsFalse(power.Supplies[0].InputNormal);
        Assert.AreEqual(SupplyState.Enabled, power.Supplies[0].State);
        power.Plug("A");
        Assert.AreEqual(GroupStatus.FullyRedundant, power.GroupStatus);
        AssertEvents(sink, ("LossOfInputPower", "08h/03"), ("PowerSupplyGroupWarning", "0Bh/01+03"), ("LineInputPowerRestored", "08h/03 deasserted"), ("PowerSupplyGroupNormal", "0Bh/00"));
    }

    [TestMethod]
    public void Overload_WithCapping_IsHeldAtCapacity_WithoutIt_PowerIsLostAtHoldup()
    {
        var (capped, cappedSink) = Make(new PowerConfig { BaseLoadWatts = 900, Capping = true });
        Assert.AreEqual(GroupStatus.NonRedundantSufficient, capped.GroupStatus, "900 W needs both 800 W units: no redundancy from the start");
        capped.Fail("A");
        Assert.AreEqual(RailState.Good, capped.Rail);
        Assert.IsTrue(capped.Capped);
        Assert.AreEqual(800, capped.LoadWatts, 0.01);
        AssertEvents(cappedSink, ("PowerSupplyFailed", "08h/01"), ("PowerSupplyGroupCritical", "0Bh/05"), ("PowerCapped", null));

        var (lost, lostSink) = Make(new PowerConfig { BaseLoadWatts = 900 });
        lost.Fail("A");
        Assert.AreEqual(RailState.Off, lost.Rail);
        var off = lostSink.Events.Single(e => e.Type == "ChassisPoweredOff");
        Assert.AreEqual(TimeSpan.FromMilliseconds(12), off.Time - s_start, "power goes when the 12 ms hold-up runs out");
        Assert.AreEqual("Power.1.2.ChassisPoweredOff", off.Redfish);
    }

    [TestMethod]
    public void Capping_FasterThanHoldup_Holds_SlowerThanHoldup_IsTooLate()
    {
        var (fast, fastSink) = Make(new PowerConfig { BaseLoadWatts = 900, Capping = true, CappingCorrectionMs = 5 });
        fast.Fail("A");
        Assert.AreEqual(RailState.Good, fast.Rail);
        Assert.IsFalse(fast.Timeline.Any(s => s.Rail == RailState.Off));
        Assert.AreEqual(TimeSpan.FromMilliseconds(5), fastSink.Events.Single(e => e.Type == "PowerCapped").Time - s_start);

        var (slow, slowSink) = Make(new PowerConfig { BaseLoadWatts = 900, Capping = true, CappingCorrectionMs = 20 });
        slow.Fail("A");
        Assert.IsTrue(slow.Timeline.Any(s => s.Rail == RailState.Off), "a 20 ms correction is too late for a 12 ms hold-up");
        Assert.IsFalse(slowSink.Events.Any(e => e.Type == "PowerCapped"));
    }

    [TestMethod]
    public void NPlusM_LosesSuppliesOneByOne_ThroughEveryGroupStatus()
    {
        var (power, sink) = Make(new PowerConfig { Mode = RedundancyMode.NPlusM, Supplies = 5, MinNeeded = 3, BaseLoadWatts = 2000 });
        Assert.AreEqual(GroupStatus.FullyRedundant, power.GroupStatus);
        power.Fail("A");
        Assert.AreEqual(GroupStatus.Degraded, power.GroupStatus);
        power.Fail("B");
        Assert.AreEqual(GroupStatus.NonRedundantSufficient, power.GroupStatus);
        Assert.AreEqual(RailState.Good, power.Rail);
        power.Fail("C");
        Assert.AreEqual(GroupStatus.Insufficient, power.GroupStatus);
        Assert.AreEqual(RailState.Off, power.Rail, "1600 W for 2000 W without capping");
        var ipmi = sink.Events.Where(e => e.Type.StartsWith("PowerSupplyGroup", StringComparison.Ordinal)).Select(e => e.Ipmi).ToArray();
        CollectionAssert.AreEqual(new[] { "0Bh/02+06", "0Bh/01+03", "0Bh/05" }, ipmi);
    }

    [TestMethod]
    public void Failover_StandbyFasterThanHoldup_IsSeamless()
    {
        var (power, sink) = Make(new PowerConfig { Mode = RedundancyMode.Failover, BaseLoadWatts = 600 });
        Assert.AreEqual(SupplyState.StandbySpare, power.Supplies[1].State);
        Assert.AreEqual(0, power.Supplies[1].OutputWatts);
        power.Fail("A");
        Assert.AreEqual(RailState.Good, power.Rail);
        Assert.AreEqual(SupplyState.Enabled, power.Supplies[1].State);
        Assert.AreEqual(600, power.Supplies[1].OutputWatts, 0.01);
        Assert.IsFalse(power.Timeline.Any(s => s.Rail == RailState.Off));
        var promoted = sink.Events.Single(e => e.Type == "StandbyPromoted");
        Assert.AreEqual(TimeSpan.FromMilliseconds(0.1), promoted.Time - s_start);
        Assert.AreEqual("08h/07 deasserted", promoted.Ipmi);
    }

    [TestMethod]
    public void Failover_StandbySlowerThanHoldup_LosesPowerUntilItWakes()
    {
        var (power, sink) = Make(new PowerConfig { Mode = RedundancyMode.Failover, BaseLoadWatts = 600, WakeMs = 2000 });
        var rails = new List<(RailState From, RailState To, DateTimeOffset At)>();
        power.RailChanged += (from, to) => rails.Add((from, to, power.Now));
        power.Fail("A");
        Assert.AreEqual(RailState.Good, power.Rail, "power is back once the standby is up");
        CollectionAssert.AreEqual(
            new[] { (RailState.Good, RailState.Warning, s_start), (RailState.Warning, RailState.Off, s_start.AddMilliseconds(12)), (RailState.Off, RailState.Good, s_start.AddMilliseconds(2000)) },
            rails);
        AssertOrder(sink, "PowerSupplyFailed", "ChassisPoweredOff", "StandbyPromoted", "ChassisPoweredOn");
    }

    [TestMethod]
    public void Sparing_PowerIsLostUntilTheOperatorPromotes()
    {
        var (power, sink) = Make(new PowerConfig { Mode = RedundancyMode.Sparing, BaseLoadWatts = 600 });
        power.Fail("A");
        Assert.AreEqual(RailState.Off, power.Rail);
        Assert.AreEqual(SupplyState.StandbySpare, power.Supplies[1].State, "sparing never promotes by itself");
        power.Promote("B");
        Assert.AreEqual(RailState.Good, power.Rail);
        AssertOrder(sink, "PowerSupplyFailed", "ChassisPoweredOff", "StandbyPromoted", "ChassisPoweredOn");
    }

    [TestMethod]
    public void Dropout_ShorterThanHoldup_RidesThrough_LongerOne_DoesNot()
    {
        var (shortDrop, shortSink) = Make(new PowerConfig { BaseLoadWatts = 600 });
        shortDrop.Outage(10);
        Assert.IsFalse(shortDrop.Timeline.Any(s => s.Rail == RailState.Off));
        Assert.IsFalse(shortSink.Events.Any(e => e.Type == "ChassisPoweredOff"));

        var (longDrop, longSink) = Make(new PowerConfig { BaseLoadWatts = 600 });
        longDrop.Outage(30);
        Assert.AreEqual(RailState.Good, longDrop.Rail, "input is back after 30 ms");
        Assert.AreEqual(TimeSpan.FromMilliseconds(12), longSink.Events.Single(e => e.Type == "ChassisPoweredOff").Time - s_start);
        Assert.AreEqual(TimeSpan.FromMilliseconds(30), longSink.Events.Single(e => e.Type == "ChassisPoweredOn").Time - s_start);
    }

    [TestMethod]
    public void GridRedundancy_OneFeedLost_TheOtherCarriesEverything()
    {
        var (power, _) = Make(new PowerConfig { Supplies = 4, Feeds = 2, BaseLoadWatts = 1200 });
        power.Outage(5000, feed: 0);
        Assert.IsFalse(power.Timeline.Any(s => s.Rail == RailState.Off));
        Assert.IsTrue(power.Timeline.Any(s => s.CapacityWatts == 1600 && s.LoadWatts == 1200));
    }

    [TestMethod]
    public void HotSpare_WakesAbove50Percent_SleepsBelow20Percent_NeverFlapsFasterThanOncePerSecond()
    {
        var (power, sink) = Make(new PowerConfig { Mode = RedundancyMode.Failover, Supplies = 2, CapacityWatts = 750, BaseLoadWatts = 300, HotSpare = true });
        Assert.AreEqual(SupplyState.StandbySpare, power.Supplies[1].State, "40 % load: the spare sleeps");
        power.SetBaseLoad(450);
        Assert.AreEqual(SupplyState.Enabled, power.Supplies[1].State, "60 % load: the spare wakes and shares");
        Assert.AreEqual(225, power.Supplies[0].OutputWatts, 0.01);
        var woke = power.Now;
        power.SetBaseLoad(100);
        Assert.AreEqual(SupplyState.StandbySpare, power.Supplies[1].State, "below 20 % of one unit it sleeps again");
        Assert.IsTrue(sink.Events.Single(e => e.Type == "StandbySleeping").Time - woke >= TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(0.2),
            "hysteresis: the second change waited until a second after the first");
        Assert.IsFalse(power.Timeline.Any(s => s.Rail == RailState.Off));
    }

    [TestMethod]
    public void LoadStep_WhileTheSpareSleeps_TripsWithoutCapping_IsCappedWithIt()
    {
        var (tripped, _) = Make(new PowerConfig { Mode = RedundancyMode.Failover, CapacityWatts = 800, BaseLoadWatts = 400, WakeMs = 2000 });
        tripped.SetBaseLoad(1000);
        Assert.IsTrue(tripped.Timeline.Any(s => s.Rail == RailState.Off), "a step above one unit, faster than the spare wakes, loses power");

        var (capped, _) = Make(new PowerConfig { Mode = RedundancyMode.Failover, CapacityWatts = 800, BaseLoadWatts = 400, WakeMs = 2000, Capping = true });
        capped.SetBaseLoad(1000);
        Assert.IsFalse(capped.Timeline.Any(s => s.Rail == RailState.Off));
        Assert.IsTrue(capped.Timeline.Any(s => s.LoadWatts == 800), "held at one unit's capacity until the spare is up");
        Assert.AreEqual(1000, capped.LoadWatts, 0.01, "both units carry the full load once the spare has woken");
    }

    [TestMethod]
    public void PredictiveFailure_WarnsButStaysFullyRedundantUntilTheUnitFails()
    {
        var (power, sink) = Make(new PowerConfig { BaseLoadWatts = 600 });
        power.Predict("A");
        Assert.AreEqual("Warning", power.Supplies[0].Health);
        Assert.AreEqual(GroupStatus.FullyRedundant, power.GroupStatus);
        Assert.AreEqual("08h/02", sink.Events.Single().Ipmi);
        power.Fail("A");
        Assert.AreEqual(GroupStatus.NonRedundantSufficient, power.GroupStatus);
    }

    [TestMethod]
    public void MismatchedUnit_IsAConfigurationError_CountedAtTheGroupRating()
    {
        var (power, sink) = Make(new PowerConfig { BaseLoadWatts = 600 });
        power.Pull("B");
        power.Insert("B", 1100);
        var error = sink.Events.Single(e => e.Type == "PowerSupplyConfigurationError");
        StringAssert.StartsWith(error.Ipmi, "08h/06");
        Assert.AreEqual(1600, power.CapacityWatts, "the 1100 W unit counts as 800 W");
    }

    [TestMethod]
    public void Reinsertion_CountsOnlyAfterPowerGood_ThenGroupNormal()
    {
        var (power, sink) = Make(new PowerConfig { BaseLoadWatts = 600 });
        power.Pull("A");
        var inserted = power.Now;
        power.Insert("A");
        Assert.AreEqual(SupplyState.Enabled, power.Supplies[0].State);
        var normal = sink.Events.Last(e => e.Type == "PowerSupplyGroupNormal");
        Assert.AreEqual("0Bh/00", normal.Ipmi);
        Assert.AreEqual(TimeSpan.FromMilliseconds(100), normal.Time - inserted, "the unit counts once PWOK is up");
        AssertOrder(sink, "PowerSupplyRemoved", "PowerSupplyGroupWarning", "PowerSupplyInserted", "PowerSupplyGroupNormal");
    }

    [TestMethod]
    public void UnbalancedFeeds_WarnThatGridRedundancyIsImpossible()
    {
        var (power, sink) = Make(new PowerConfig { Supplies = 3, Feeds = 2, BaseLoadWatts = 600 });
        power.ReportSetup();
        StringAssert.Contains(sink.Events.Single(e => e.Type == "PowerSupplyConfigurationError").Details, "grid redundancy impossible");
    }

    [TestMethod]
    public void PerSupplyHoldup_TheLongestDeliveringOneCarriesADropout()
    {
        var overrides = new Dictionary<string, double> { ["A"] = 30 };
        var (power, _) = Make(new PowerConfig { BaseLoadWatts = 600, HoldupOverrides = overrides });
        power.Outage(20);
        Assert.IsFalse(power.Timeline.Any(s => s.Rail == RailState.Off), "A holds its outputs for 30 ms");
        var (plain, _) = Make(new PowerConfig { BaseLoadWatts = 600 });
        plain.Outage(20);
        Assert.IsTrue(plain.Timeline.Any(s => s.Rail == RailState.Off));
    }

    [TestMethod]
    public void PerSupplyWake_TheStandbyUsesItsOwnTime()
    {
        var (power, sink) = Make(new PowerConfig { Mode = RedundancyMode.Failover, BaseLoadWatts = 600, WakeOverrides = new Dictionary<string, double> { ["B"] = 500 } });
        power.Fail("A");
        Assert.AreEqual(TimeSpan.FromMilliseconds(500), sink.Events.Single(e => e.Type == "StandbyPromoted").Time - s_start);
    }

    [TestMethod]
    public void DisksDrawMoreUnderIo_AndSurgeWhenPowerReturns()
    {
        var sink = new MemoryEventSink();
        var power = new PowerSubsystem(new PowerConfig { BaseLoadWatts = 300 }, 10, Guid.Empty, sink, () => 0, new FakeTimeProvider(s_start));
        double idle = power.DemandWatts;
        power.SetDiskActivity(true);
        Assert.AreEqual(idle + (10 * 3), power.DemandWatts, 0.01, "11 W instead of 8 W per disk");
        power.SetDiskActivity(false);
        power.Outage(30);
        Assert.IsTrue(power.SpinningUp);
        Assert.AreEqual(300 + (10 * 28), power.DemandWatts, 0.01);
        power.Advance(TimeSpan.FromSeconds(9));
        Assert.IsFalse(power.SpinningUp);
        Assert.AreEqual(idle, power.DemandWatts, 0.01);
    }

    [TestMethod]
    public void PowerOn_IsRefused_WhenTheSpinUpSurgeWouldNotFit()
    {
        var sink = new MemoryEventSink();
        var power = new PowerSubsystem(new PowerConfig { Supplies = 2, CapacityWatts = 400, BaseLoadWatts = 250 }, 12, Guid.Empty, sink, () => 0, new FakeTimeProvider(s_start));
        power.Fail("A");
        Assert.AreEqual(RailState.Good, power.Rail, "346 W idle fits one 400 W unit");
        power.Outage(30);
        Assert.AreEqual(RailState.Off, power.Rail, "586 W of spin-up surge does not fit 400 W: the chassis stays off");
        Assert.IsTrue(sink.Events.Any(e => e.Type == "PowerOnRefused"));
        power.Repair("A");
        Assert.AreEqual(RailState.Good, power.Rail);
    }

    [TestMethod]
    public void OperationsHappenAtTheInjectedClock_AndDueConsequencesPlayWhenItMovesOn()
    {
        var clock = new FakeTimeProvider(s_start);
        var sink = new MemoryEventSink();
        var power = new PowerSubsystem(new PowerConfig { BaseLoadWatts = 300 }, 4, Guid.Empty, sink, () => 0, clock);
        power.Outage(30);
        Assert.IsTrue(power.SpinningUp, "the disks spin up once power is back");
        clock.Advance(TimeSpan.FromMinutes(1));
        power.Fail("A");
        Assert.IsFalse(power.SpinningUp, "the spin-up ended while the clock moved on");
        Assert.AreEqual(s_start.AddMinutes(1), sink.Events.Single(e => e.Type == "PowerSupplyFailed").Time);
    }

    [TestMethod]
    public void BadConfigurationAndUnknownSupplies_AreRefused()
    {
        Assert.AreEqual(nameof(PowerConfig.MinNeeded), Assert.ThrowsExactly<PowerArgumentException>(() => Make(new PowerConfig { Supplies = 2, MinNeeded = 3 })).ParamName);
        var (power, _) = Make(new PowerConfig());
        Assert.ThrowsExactly<ArgumentException>(() => power.Fail("Z"));
        power.Fail("A");
        Assert.ThrowsExactly<ArrayRefusedException>(() => power.Fail("A"));
    }

    [TestMethod]
    public void DisksAddToTheLoad()
    {
        var small = new PowerSubsystem(new PowerConfig(), 2, Guid.Empty, new MemoryEventSink(), () => 0, new FakeTimeProvider(s_start));
        var big = new PowerSubsystem(new PowerConfig(), 12, Guid.Empty, new MemoryEventSink(), () => 0, new FakeTimeProvider(s_start));
        Assert.IsTrue(big.DemandWatts > small.DemandWatts);
    }

    private static (PowerSubsystem Power, MemoryEventSink Sink) Make(PowerConfig config)
    {
        var sink = new MemoryEventSink();
        return (new PowerSubsystem(config, 0, Guid.Empty, sink, () => 0, new FakeTimeProvider(s_start)), sink);
    }

    private static void AssertEvents(MemoryEventSink sink, params (string Type, string? Ipmi)[] expected)
    {
        var actual = sink.Events.Select(e => (e.Type, e.Ipmi)).ToArray();
        CollectionAssert.AreEqual(expected, actual, string.Join(", ", actual));
    }

    private static void AssertOrder(MemoryEventSink sink, params string[] expected)
    {
        var types = sink.Events.Select(e => e.Type).ToList();
        int at = -1;
        foreach (string type in expected)
        {
            int next = types.FindIndex(at + 1, t => t == type);
            Assert.IsTrue(next > at, $"{type} missing or out of order in {string.Join(", ", types)}");
            at = next;
        }
    }
}
