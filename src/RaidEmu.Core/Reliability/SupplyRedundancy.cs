namespace RaidEmu.Core.Reliability;

/// <summary>How a group of power supplies is redundant, as the power model's modes.</summary>
public enum SupplyRedundancy
{
    /// <summary>Active redundancy: every supply delivers and shares the load.</summary>
    Sharing,

    /// <summary>Active redundancy: N needed plus M extra, all delivering.</summary>
    NPlusM,

    /// <summary>Passive redundancy: the needed supplies deliver; the others are cold standbys that wake when one fails.</summary>
    Failover,
}
