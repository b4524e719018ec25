namespace RaidEmu.Cli.Commands;

/// <summary>What <c>raidemu examine --json</c> prints: one member's superblock in md's own units;
/// <see cref="BadBlockLog"/> is null when the member has no bad-block log.</summary>
internal sealed record ExamineReport(
    string File,
    string Magic,
    string Version,
    string FeatureMap,
    Guid ArrayUuid,
    string Name,
    DateTimeOffset CreationTime,
    int Level,
    int RaidDevices,
    string? Layout,
    int ChunkBytes,
    ulong SizeSectors,
    ulong DataOffsetSectors,
    ulong DataSizeSectors,
    ulong SuperOffsetSectors,
    ulong? RecoveryOffsetSectors,
    int DevNumber,
    Guid DeviceUuid,
    DateTimeOffset UpdateTime,
    ulong Events,
    string State,
    object Role,
    string ArrayState,
    uint CorrectedReadErrors,
    ExamineBadBlockLog? BadBlockLog,
    IntegrityReport? Integrity = null);

/// <summary>The member's checksum sidecar, when it has one.</summary>
internal sealed record IntegrityReport(string File, string? Algorithm, int? BlockBytes, long? Blocks, long? FailedBlocks, string? Problem);
