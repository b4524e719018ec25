namespace RaidEmu.Core.Power;

/// <summary>What the array sees of its power.</summary>
public enum RailState
{
    /// <summary>Power is good.</summary>
    Good,

    /// <summary>Capacity is below the load, but hold-up time is not over yet (PWOK low, outputs still valid).</summary>
    Warning,

    /// <summary>Power is lost: in-flight writes are torn and the array stops.</summary>
    Off,
}
