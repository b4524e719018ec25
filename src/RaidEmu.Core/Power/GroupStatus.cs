namespace RaidEmu.Core.Power;

/// <summary>The redundancy group's status (Intel's rule: w working, r required, n installed).</summary>
public enum GroupStatus
{
    /// <summary>w &gt; r and every installed supply works.</summary>
    FullyRedundant,

    /// <summary>w &gt; r but some installed supply does not work.</summary>
    Degraded,

    /// <summary>0 &lt; w ≤ r: no redundancy left, but enough power.</summary>
    NonRedundantSufficient,

    /// <summary>w &lt; r, or capacity below the load.</summary>
    Insufficient,
}
