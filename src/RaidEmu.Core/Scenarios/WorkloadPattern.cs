namespace RaidEmu.Core.Scenarios;

/// <summary>Where the workload's writes go.</summary>
public enum WorkloadPattern
{
    /// <summary>Block after block from offset 0, wrapping around the region.</summary>
    Sequential,

    /// <summary>Blocks of the region drawn from the seed.</summary>
    Random,
}
