namespace RaidEmu.Core.Md;

/// <summary>What a pass over the array does to each unit.</summary>
public enum SyncKind
{
    /// <summary>Rebuild rebuilding members from the others.</summary>
    Recovery,

    /// <summary>Recompute redundancy from data (parity, or mirror copies from the first member).</summary>
    Resync,

    /// <summary>Compare redundancy with data and count mismatches; write nothing.</summary>
    Check,

    /// <summary>Compare, count, and rewrite redundancy where it differs.</summary>
    Repair,
}
