namespace RaidEmu.Core.Md;

/// <summary>The health of an array as a whole.</summary>
public enum ArrayState
{
    /// <summary>Every slot in sync and redundancy consistent.</summary>
    Optimal,

    /// <summary>A slot has no member: the array serves without redundancy (RAID 5) or with less of it.</summary>
    Degraded,

    /// <summary>A member is being rebuilt (or its rebuild is pending).</summary>
    Recovering,

    /// <summary>Every slot has a member, but redundancy must be recomputed (after an unclean stop or at creation).</summary>
    Resyncing,

    /// <summary>Redundancy is exhausted: reads and writes fail.</summary>
    Failed,
}
