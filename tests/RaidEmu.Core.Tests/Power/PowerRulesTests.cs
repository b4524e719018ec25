using Microsoft.Extensions.Time.Testing;
using RaidEmu.Core.Events;
using RaidEmu.Core.Power;

namespace RaidEmu.Core.Tests.Power;

[TestClass]
public sealed class PowerRulesTests
{
    [TestMethod]
    public void NonFiniteOrHugeNumbers_AreRefusedBeforeAnythingChanges()
    {
        var sink = new MemoryEventSink();
        var power = new PowerSubsystem(new PowerConfig { BaseLoadWatts = 600 }, 2, Guid.Empty, sink, () => 0, new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var refused = new (Action Act, string Parameter)[]
        {
            (() => power.Outage(double.NaN), "ms"),
            (() => power.Outage(1e20), "ms"),
            (() => power.Outage(PowerRules.MaxMs + 1), "ms"),
            (() => power.SetBaseLoad(double.NaN), "watts"),
            (() => power.SetBaseLoad(1e308), "watts"),
            (() => power.Insert("A", double.PositiveInfinity), "capacityWatts"),
        };
        foreach (var (act, parameter) in refused)
        {
            Assert.AreEqual(parameter, Assert.ThrowsExactly<PowerArgumentException>(act).ParamName);
        }

        Assert.AreEqual(0, sink.Events.Count);
        Assert.IsTrue(power.Supplies.All(s => s.InputNormal && s.State == SupplyState.Enabled));
        Assert.AreEqual(600, power.Config.BaseLoadWatts);
        Assert.AreEqual(RailState.Good, power.Rail);
    }

    [TestMethod]
    public void AConfigurationWithANonFiniteNumber_IsRefused_NamingTheProperty()
    {
        Assert.AreEqual(nameof(PowerConfig.CapacityWatts), Refusal(new PowerConfig { CapacityWatts = double.NaN }));
        Assert.AreEqual(nameof(PowerConfig.HoldupMs), Refusal(new PowerConfig { HoldupOverrides = new Dictionary<string, double> { ["B"] = double.NaN } }));
        Assert.AreEqual(nameof(PowerConfig.CappingCorrectionMs), Refusal(new PowerConfig { CappingCorrectionMs = double.PositiveInfinity }));
        Assert.AreEqual(nameof(PowerConfig.BaseLoadWatts), Refusal(new PowerConfig { BaseLoadWatts = 1e308 }));
    }

    private static string? Refusal(PowerConfig config) => Assert.ThrowsExactly<PowerArgumentException>(() => PowerRules.Validate(config)).ParamName;
}
