using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid5;

namespace RaidEmu.Core.Scenarios;

/// <summary>The array a scenario creates.</summary>
public sealed record ScenarioArray
{
    /// <summary>RAID level.</summary>
    public RaidLevel Level { get; init; } = RaidLevel.Raid5;

    /// <summary>Active members.</summary>
    public int Disks { get; init; } = 3;

    /// <summary>Hot spares.</summary>
    public int Spares { get; init; }

    /// <summary>Each member file's size in bytes.</summary>
    public long DiskBytes { get; init; } = 16L << 20;

    /// <summary>RAID 5 chunk in bytes.</summary>
    public int ChunkBytes { get; init; } = 64 * 1024;

    /// <summary>RAID 5 parity layout.</summary>
    public Raid5Algorithm Layout { get; init; } = Raid5Algorithm.LeftSymmetric;

    /// <summary>Disk timing profile name (none, hdd, ssd, nvme); applied once the array folder supports profiles.</summary>
    public string Profile { get; init; } = "none";

    /// <summary>Per-block checksums on every member (<c>create --integrity</c>).</summary>
    public Integrity.IntegrityAlgorithm Integrity { get; init; }

    /// <summary>An internal write-intent bitmap (re-add recovers only what it marks).</summary>
    public bool Bitmap { get; init; }

    /// <summary>How the shape reads in a report.</summary>
    public string Describe() => Level == RaidLevel.Raid5
        ? $"RAID 5 of {Disks} disks{(Spares > 0 ? $" + {Spares} spare{(Spares > 1 ? "s" : "")}" : "")} ({Raid5Layout.Name(Layout)}, chunk {ChunkBytes / 1024} KiB), {DiskBytes >> 20} MiB each"
        : $"RAID 1 of {Disks} disks{(Spares > 0 ? $" + {Spares} spare{(Spares > 1 ? "s" : "")}" : "")}, {DiskBytes >> 20} MiB each";
}
