namespace RaidEmu.Core.Power;

/// <summary>The rules the power model's configuration and operations follow; each exists here once and the CLI calls them.</summary>
public static class PowerRules
{
    /// <summary>Supplies are named A to Z.</summary>
    public const int MaxSupplies = 26;

    /// <summary>Throws <see cref="PowerArgumentException"/> naming the first property of <paramref name="config"/> that breaks a rule.</summary>
    public static void Validate(PowerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int supplies = config.Supplies;
        Require(supplies is >= 1 and <= MaxSupplies, nameof(PowerConfig.Supplies), $"must be 1 to {MaxSupplies}");
        Require(config.CapacityWatts > 0, nameof(PowerConfig.CapacityWatts), "must be more than 0 W");
        Require(config.MinNeeded >= 1 && config.MinNeeded <= supplies, nameof(PowerConfig.MinNeeded), $"must be 1 to {supplies}");
        Require(config.HoldupMs >= 0 && config.HoldupOverrides.Values.All(ms => ms >= 0), nameof(PowerConfig.HoldupMs), "must not be negative");
        Require(config.WakeMs >= 0 && config.WakeOverrides.Values.All(ms => ms >= 0), nameof(PowerConfig.WakeMs), "must not be negative");
        Require(config.Feeds >= 1 && config.Feeds <= supplies, nameof(PowerConfig.Feeds), $"must be 1 to {supplies}");
        Require(config.BaseLoadWatts >= 0, nameof(PowerConfig.BaseLoadWatts), "must not be negative");
        Require(config.Mode is not (RedundancyMode.Failover or RedundancyMode.Sparing) || supplies >= 2, nameof(PowerConfig.Mode),
            "failover and sparing need at least 2 supplies");
    }

    /// <summary>An input dropout lasts more than 0 ms and hits an existing feed.</summary>
    public static void ValidateOutage(double ms, int? feed, int feeds)
    {
        Require(ms > 0, nameof(ms), "must be more than 0");
        Require(feed is not { } f || (f >= 0 && f < feeds), nameof(feed), $"must be 0 to {feeds - 1}");
    }

    /// <summary>A base load is not negative.</summary>
    public static void ValidateLoad(double watts) => Require(watts >= 0, nameof(watts), "must not be negative");

    private static void Require(bool holds, string parameter, string rule)
    {
        if (!holds)
        {
            throw new PowerArgumentException(parameter, rule);
        }
    }
}
