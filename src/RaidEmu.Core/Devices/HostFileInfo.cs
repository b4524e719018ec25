namespace RaidEmu.Core.Devices;

/// <summary>What the host kernel says about a file (from statx): which file it is, its links and allocation.</summary>
/// <param name="Device">The host device holding it (major and minor); with <paramref name="Inode"/> it names the file whatever its path.</param>
/// <param name="Inode">Its inode number.</param>
/// <param name="Links">Hard links left; 0 once every name has been deleted while the file is still open.</param>
/// <param name="AllocatedBytes">Bytes the host file system has really set aside (st_blocks × 512).</param>
/// <param name="Kind">Regular file, directory, character device and so on.</param>
public readonly record struct HostFileInfo(ulong Device, ulong Inode, uint Links, long AllocatedBytes, HostFileKind Kind)
{
    /// <summary>True when both describe the same file: same host device, same inode.</summary>
    public bool IsSameFile(HostFileInfo other) => Device == other.Device && Inode == other.Inode;
}
