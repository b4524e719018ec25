using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Md;

/// <summary>A device offered to an array, with the name used for it in messages (usually its file path).</summary>
/// <param name="Device">The device.</param>
/// <param name="Path">Its file, or another name for errors.</param>
public readonly record struct MemberSource(IBlockDevice Device, string? Path);
