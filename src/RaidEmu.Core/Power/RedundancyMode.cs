namespace RaidEmu.Core.Power;

/// <summary>How a group of supplies shares the load, named as Redfish's RedundancyType.</summary>
public enum RedundancyMode
{
    /// <summary>All supplies active, load shared (active redundancy); capacity shrinks on a failure.</summary>
    Sharing,

    /// <summary>All supplies active; the group survives M losses while MinNeeded remain.</summary>
    NPlusM,

    /// <summary>One supply active, the others standby; a standby is promoted automatically (passive redundancy).</summary>
    Failover,

    /// <summary>As failover, but a standby is promoted only by an operator.</summary>
    Sparing,
}
