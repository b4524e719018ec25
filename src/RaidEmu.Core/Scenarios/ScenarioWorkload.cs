namespace RaidEmu.Core.Scenarios;

/// <summary>The built-in workload: seeded writes of whole blocks over the first <see cref="RegionBytes"/> of the volume.</summary>
public sealed record ScenarioWorkload
{
    /// <summary>Sequential or random.</summary>
    public WorkloadPattern Pattern { get; init; } = WorkloadPattern.Sequential;

    /// <summary>The region written, from offset 0.</summary>
    public long RegionBytes { get; init; } = 4L << 20;

    /// <summary>Bytes per write.</summary>
    public int BlockBytes { get; init; } = 64 * 1024;

    /// <summary>Number of writes; by default one per block of the region.</summary>
    public long? Ops { get; init; }

    /// <summary>Read every block back right after writing it and compare.</summary>
    public bool ReadBack { get; init; }

    /// <summary>Blocks in the region.</summary>
    public long Blocks => RegionBytes / BlockBytes;

    /// <summary>Writes the workload makes.</summary>
    public long OpCount => Ops ?? Blocks;
}
