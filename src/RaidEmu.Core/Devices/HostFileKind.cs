namespace RaidEmu.Core.Devices;

/// <summary>The type of a host file (S_IFMT).</summary>
public enum HostFileKind
{
    /// <summary>Anything else: socket, symbolic link.</summary>
    Other,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A character device, such as /dev/zero: no end.</summary>
    CharacterDevice,

    /// <summary>A block device.</summary>
    BlockDevice,

    /// <summary>A pipe (FIFO).</summary>
    Pipe,
}
