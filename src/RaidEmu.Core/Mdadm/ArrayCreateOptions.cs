using RaidEmu.Core.Integrity;
using RaidEmu.Core.Md;

namespace RaidEmu.Core.Mdadm;

/// <summary>How to create an array; defaults follow mdadm's.</summary>
public sealed record ArrayCreateOptions
{
    /// <summary>mdadm's default chunk size.</summary>
    public const int DefaultChunkBytes = 512 * 1024;

    /// <summary>Where data starts on each member (md's habit of a 1 MiB-aligned data offset).</summary>
    public const long DataOffsetBytes = 1024 * 1024;

    /// <summary>Every option at its default.</summary>
    public static ArrayCreateOptions Default { get; } = new();

    /// <summary>RAID level.</summary>
    public RaidLevel Level { get; init; } = RaidLevel.Raid5;

    /// <summary>Number of slots; devices beyond these become hot spares.</summary>
    public int RaidDisks { get; init; } = 3;

    /// <summary>Chunk size in bytes (RAID 5): a power of two of at least 4 KiB.</summary>
    public int ChunkBytes { get; init; } = DefaultChunkBytes;

    /// <summary>RAID 5 parity placement.</summary>
    public Raid5Algorithm Algorithm { get; init; } = Raid5Algorithm.LeftSymmetric;

    /// <summary>The array's name (md's set_name, at most 32 bytes).</summary>
    public string Name { get; init; } = "raidemu";

    /// <summary>Skip the initial sync because the members are known to be consistent (for example all zero).</summary>
    public bool AssumeClean { get; init; }

    /// <summary>
    /// mdadm 4.2 adds an internal bitmap by itself only when each member holds more than this (100 GiB):
    /// on smaller arrays a full resync is quick enough not to pay for the bitmap's extra writes.
    /// </summary>
    public const long DefaultBitmapThresholdBytes = 100L * 1024 * 1024 * 1024;

    /// <summary>An internal write-intent bitmap: true, false, or null for mdadm's choice by size.</summary>
    public bool? Bitmap { get; init; }

    /// <summary>Bitmap chunk in bytes; null for mdadm's default (64 MiB, or more when that does not fit).</summary>
    public long? BitmapChunkBytes { get; init; }

    /// <summary>Seconds between the bitmap daemon's sweeps (mdadm's --delay).</summary>
    public int BitmapDelaySeconds { get; init; } = Metadata.BitmapSuperblock.DefaultDaemonSleepSeconds;

    /// <summary>A checksum for every 4 KiB block of each member's data area, kept in a sidecar file beside it; none keeps the members exactly md's.</summary>
    public IntegrityAlgorithm Integrity { get; init; }

    /// <summary>A fixed UUID (tests); a random one when null.</summary>
    public Guid? Uuid { get; init; }
}
