namespace RaidEmu.Core.Devices;

/// <summary>How much of a range a <see cref="DriveCache"/> holds.</summary>
internal enum CacheCoverage
{
    /// <summary>No byte of the range.</summary>
    None,

    /// <summary>Some bytes of the range.</summary>
    Partial,

    /// <summary>Every byte of the range.</summary>
    Full,
}
