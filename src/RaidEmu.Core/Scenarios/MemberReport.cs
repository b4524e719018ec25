using RaidEmu.Core.Md;

namespace RaidEmu.Core.Scenarios;

/// <summary>A member at the end of a scenario; byte counts since the array was last opened.</summary>
public sealed record MemberReport(int Disk, int Slot, MemberState State, int CorrectedReadErrors, long BadBlockSectors, long BytesRead, long BytesWritten);
