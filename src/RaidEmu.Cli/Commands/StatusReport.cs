using RaidEmu.Core.Md;

namespace RaidEmu.Cli.Commands;

/// <summary>What <c>raidemu status --json</c> prints.</summary>
internal sealed record StatusReport(
    string Name,
    Guid Uuid,
    int Level,
    string? Layout,
    int ChunkBytes,
    long SizeBytes,
    long DataOffsetBytes,
    string State,
    bool Dirty,
    ulong Events,
    string ParityKernel,
    IReadOnlyList<MemberReport> Members,
    RangeReport? Recovery,
    RangeReport? Resync,
    CheckReport? LastCheck,
    string? Problem,
    string Power,
    IReadOnlyList<LeftOutReport> LeftOut,
    BitmapReport? Bitmap = null,
    IReadOnlyList<RegionReport>? Unrecoverable = null,
    string? Integrity = null);

/// <summary>A region of the logical volume, in bytes.</summary>
internal sealed record RegionReport(long Offset, long Length);

/// <summary>The write-intent bitmap, and what the last resync or recovery saved thanks to it.</summary>
internal sealed record BitmapReport(long ChunkBytes, long DirtyChunks, long Chunks, ulong EventsCleared, SavingReport? LastSync);

/// <summary>Member bytes a bitmap-driven resync or recovery copied and skipped.</summary>
internal sealed record SavingReport(string Kind, long SyncedBytes, long SkippedBytes);

/// <summary>A member file assembly left out, and why.</summary>
internal sealed record LeftOutReport(string File, string Reason);

/// <summary>
/// One member (or empty slot) in a status report: its read errors md corrected, the sectors its bad-block
/// log records, and the faults injected into it (none of which an empty slot has).
/// </summary>
internal sealed record MemberReport(
    int? Disk,
    string? File,
    object Role,
    string State,
    ulong? Events,
    int? CorrectedReadErrors = null,
    IReadOnlyList<BadBlock>? BadBlocks = null,
    IReadOnlyList<FaultReport>? Faults = null,
    long? ChecksumFailures = null,
    int? CorrectedChecksumErrors = null);

/// <summary>Progress of a pending recovery or resync.</summary>
internal sealed record RangeReport(long OffsetBytes, long TotalBytes);

/// <summary>The last scrub's result.</summary>
internal sealed record CheckReport(string Kind, long Mismatches, DateTimeOffset Time);
