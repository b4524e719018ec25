namespace RaidEmu.Core.Metadata;

/// <summary>The special values of md's dev_roles table; any smaller value is a slot number.</summary>
public static class DeviceRole
{
    /// <summary>The device is a spare.</summary>
    public const ushort Spare = 0xffff;

    /// <summary>The device is faulty (also what the kernel writes for an absent device).</summary>
    public const ushort Faulty = 0xfffe;

    /// <summary>The device is a write journal.</summary>
    public const ushort Journal = 0xfffd;
}
