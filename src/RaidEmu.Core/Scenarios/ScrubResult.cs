namespace RaidEmu.Core.Scenarios;

/// <summary>A check or repair the scenario ran, and md's mismatch count (sectors).</summary>
public sealed record ScrubResult(long Op, bool Repair, long Mismatches);
