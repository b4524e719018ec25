namespace RaidEmu.Cli.Commands;

/// <summary>
/// The bad-block log part of <c>raidemu examine</c>: where the log sits, how many entries it has room for and uses,
/// and the entries as <c>mdadm --examine-badblocks</c> lists them (512-byte sectors of the data area).
/// <see cref="Problem"/> says why the entries could not be read; the list is then empty.
/// </summary>
internal sealed record ExamineBadBlockLog(
    int OffsetSectors,
    int SizeSectors,
    int Shift,
    int EntriesAvailable,
    int EntriesUsed,
    IReadOnlyList<ExamineBadBlock> BadBlocks,
    string? Problem);
