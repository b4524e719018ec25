namespace RaidEmu.Cli.Commands;

/// <summary>One entry of a member's bad-block log: <see cref="Count"/> sectors from <see cref="Sector"/> of the data area.</summary>
internal sealed record ExamineBadBlock(long Sector, long Count);
