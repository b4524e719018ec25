namespace RaidEmu.Core.Power;

/// <summary>
/// The rules the power model's configuration and operations follow; each exists here once and the CLI calls
/// them. Every number must be finite and within its unit's limits before anything changes.
/// </summary>
public static class PowerRules
{
    /// <summary>Supplies are named A to Z.</summary>
    public const int MaxSupplies = 26;

    /// <summary>
    /// The longest time the model accepts (hold-up, wake, capping correction, outage): 10 minutes. A real array
    /// lives through the model's time as it plays, so a command waits that long at most.
    /// </summary>
    public const long MaxMs = 600_000;

    /// <summary>The most watts the model accepts for a load or a supply's rating: 1 MW, far above any chassis.</summary>
    public const long MaxWatts = 1_000_000;

    private static readonly string s_time = $"must be 0 to {MaxMs} ms (10 minutes)";
    private static readonly string s_positiveTime = $"must be more than 0 and at most {MaxMs} ms (10 minutes)";
    private static readonly string s_watts = $"must be 0 to {MaxWatts} W";
    private static readonly string s_rating = $"must be more than 0 and at most {MaxWatts} W";

    /// <summary>Throws <see cref="PowerArgumentException"/> naming the first property of <paramref name="config"/> that breaks a rule.</summary>
    public static void Validate(PowerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int supplies = config.Supplies;
        Require(supplies is >= 1 and <= MaxSupplies, nameof(PowerConfig.Supplies), $"must be 1 to {MaxSupplies}");
        Rating(config.CapacityWatts, nameof(PowerConfig.CapacityWatts));
        Require(config.MinNeeded >= 1 && config.MinNeeded <= supplies, nameof(PowerConfig.MinNeeded), $"must be 1 to {supplies}");
        Require(IsTime(config.HoldupMs) && config.HoldupOverrides.Values.All(IsTime), nameof(PowerConfig.HoldupMs), s_time);
        Require(IsTime(config.WakeMs) && config.WakeOverrides.Values.All(IsTime), nameof(PowerConfig.WakeMs), s_time);
        Require(config.Feeds >= 1 && config.Feeds <= supplies, nameof(PowerConfig.Feeds), $"must be 1 to {supplies}");
        Require(IsWatts(config.BaseLoadWatts), nameof(PowerConfig.BaseLoadWatts), s_watts);
        Require(IsTime(config.CappingCorrectionMs), nameof(PowerConfig.CappingCorrectionMs), s_time);
        Require(IsWatts(config.DiskWatts), nameof(PowerConfig.DiskWatts), s_watts);
        Require(IsWatts(config.DiskActiveWatts), nameof(PowerConfig.DiskActiveWatts), s_watts);
        Require(IsWatts(config.DiskSpinUpWatts), nameof(PowerConfig.DiskSpinUpWatts), s_watts);
        Require(IsTime(config.SpinUpMs), nameof(PowerConfig.SpinUpMs), s_time);
        Require(config.Mode is not (RedundancyMode.Failover or RedundancyMode.Sparing) || supplies >= 2, nameof(PowerConfig.Mode),
            "failover and sparing need at least 2 supplies");
    }

    /// <summary>An input dropout lasts more than 0 ms, at most <see cref="MaxMs"/>.</summary>
    public static void ValidateOutageLength(double ms) => Require(ms is > 0 and <= MaxMs, nameof(ms), s_positiveTime);

    /// <summary>An input dropout's length is valid and it hits an existing feed.</summary>
    public static void ValidateOutage(double ms, int? feed, int feeds)
    {
        ValidateOutageLength(ms);
        Require(feed is not { } f || (f >= 0 && f < feeds), nameof(feed), $"must be 0 to {feeds - 1}");
    }

    /// <summary>A base load is 0 to <see cref="MaxWatts"/>.</summary>
    public static void ValidateLoad(double watts) => Require(IsWatts(watts), nameof(watts), s_watts);

    /// <summary>A supply's rating is more than 0 and at most <see cref="MaxWatts"/>.</summary>
    public static void ValidateRating(double capacityWatts) => Rating(capacityWatts, nameof(capacityWatts));

    private static void Rating(double watts, string parameter) => Require(watts is > 0 and <= MaxWatts, parameter, s_rating);

    // Comparisons are false for NaN, so each range check also refuses it; infinities fall outside the limits.
    private static bool IsTime(double ms) => ms is >= 0 and <= MaxMs;

    private static bool IsWatts(double watts) => watts is >= 0 and <= MaxWatts;

    private static void Require(bool holds, string parameter, string rule)
    {
        if (!holds)
        {
            throw new PowerArgumentException(parameter, rule);
        }
    }
}
