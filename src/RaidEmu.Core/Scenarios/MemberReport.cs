using RaidEmu.Core.Md;

namespace RaidEmu.Core.Scenarios;

/// <summary>A member at the end of a scenario.</summary>
public sealed record MemberReport(int Disk, int Slot, MemberState State, int CorrectedReadErrors, long BadBlockSectors);
