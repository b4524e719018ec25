namespace RaidEmu.Core.Md;

/// <summary>What a check or repair found.</summary>
/// <param name="Mismatches">Mismatched sectors, counted per 4 KiB page as md's mismatch_cnt.</param>
/// <param name="ChecksumFailures">Member blocks that failed their checksum (arrays with integrity), by disk and member offset.</param>
public sealed record ScrubReport(long Mismatches, IReadOnlyList<ChecksumFailure> ChecksumFailures);
