namespace RaidEmu.Core.Devices;

/// <summary>Argument checks shared by every <see cref="IBlockDevice"/> implementation.</summary>
public static class BlockDeviceGuard
{
    /// <summary>Throws <see cref="IOException"/> when [offset, offset+count) is not inside a device of <paramref name="length"/> bytes.</summary>
    public static void CheckRange(long offset, long count, long length)
    {
        if (offset < 0 || count < 0 || offset > length || count > length - offset)
        {
            throw new IOException($"range {offset}+{count} is outside the device of {length} bytes");
        }
    }
}
