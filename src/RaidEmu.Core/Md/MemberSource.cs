using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Md;

/// <summary>
/// A device offered to an array, with the name used for it in messages (usually its file path). A class, not a
/// struct: lists and lookups of a framework collection over a value type are compiled at run time in every short command.
/// </summary>
/// <param name="Device">The device.</param>
/// <param name="Path">Its file, or another name for errors.</param>
public sealed record MemberSource(IBlockDevice Device, string? Path);
