using System.Text;
using RaidEmu.Core.Md;

namespace RaidEmu.Core.Mdadm;

/// <summary>
/// mdadm's create-time rules, each written once: level, disk count, chunk, name and member size, and the
/// geometry they give. The CLI calls the same checks before it makes any file, adding its flag names.
/// </summary>
public static class GeometryPlanner
{
    /// <summary>Most slots an array may have.</summary>
    public const int MaxRaidDisks = 64;

    // RAID 1 has no chunk; its component size is rounded down to this, as mdadm does.
    private const int Raid1Rounding = 64 * 1024;

    private const int MinChunkBytes = 4096;
    private const int MaxChunkBytes = 64 * 1024 * 1024;

    /// <summary>Refuses a level other than 1 or 5.</summary>
    public static void CheckLevel(RaidLevel level)
    {
        if (level is not (RaidLevel.Raid1 or RaidLevel.Raid5))
        {
            throw new ArgumentException($"RAID level {(int)level} is not supported (use 1 or 5)");
        }
    }

    /// <summary>Refuses a slot count the level cannot have.</summary>
    public static void CheckRaidDisks(RaidLevel level, int raidDisks)
    {
        int minimum = level == RaidLevel.Raid5 ? 3 : 2;
        if (raidDisks < minimum || raidDisks > MaxRaidDisks)
        {
            throw new ArgumentException($"RAID {(int)level} needs at least {minimum} disks (and at most {MaxRaidDisks}), not {raidDisks}");
        }
    }

    /// <summary>Refuses a RAID 5 chunk that is not a power of two from 4 KiB to 64 MiB.</summary>
    public static void CheckChunk(RaidLevel level, long chunkBytes)
    {
        if (level == RaidLevel.Raid5 && (chunkBytes < MinChunkBytes || chunkBytes > MaxChunkBytes || (chunkBytes & (chunkBytes - 1)) != 0))
        {
            throw new ArgumentException($"chunk size {chunkBytes} must be a power of two from 4 KiB to 64 MiB");
        }
    }

    /// <summary>Refuses a name md's set_name cannot hold.</summary>
    public static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Encoding.UTF8.GetByteCount(name) is 0 or > 32)
        {
            throw new ArgumentException($"array name '{name}' must be 1 to 32 bytes");
        }

        // A line break or other control character would split the name across lines of status and the event log.
        if (name.Any(char.IsControl))
        {
            throw new ArgumentException("array name must not contain a line break or other control character");
        }
    }

    /// <summary>
    /// The bytes of each member the array uses, from the smallest member: what is left after the metadata
    /// area, rounded down to whole chunks (RAID 5) or 64 KiB (RAID 1). Refuses a member too small for one unit.
    /// </summary>
    public static long ComponentBytes(RaidLevel level, int chunkBytes, long smallestDiskBytes)
    {
        int unit = level == RaidLevel.Raid5 ? chunkBytes : Raid1Rounding;
        long component = (smallestDiskBytes - ArrayCreateOptions.DataOffsetBytes) / unit * unit;
        if (component < unit || smallestDiskBytes % 512 != 0)
        {
            throw new ArgumentException(
                $"disk size {smallestDiskBytes} bytes is too small or not a multiple of 512: each member needs {ArrayCreateOptions.DataOffsetBytes} bytes of metadata area plus at least {unit} bytes of data");
        }

        return component;
    }

    /// <summary>Checks every rule and returns the geometry of an array made of <paramref name="devices"/>.</summary>
    public static ArrayGeometry Plan(ArrayCreateOptions options, IReadOnlyList<MemberSource> devices)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(devices);
        CheckLevel(options.Level);
        CheckRaidDisks(options.Level, options.RaidDisks);
        if (devices.Count < options.RaidDisks)
        {
            throw new ArgumentException($"{options.RaidDisks} disks were asked for but {devices.Count} devices were given");
        }

        CheckChunk(options.Level, options.ChunkBytes);
        CheckName(options.Name);
        bool raid5 = options.Level == RaidLevel.Raid5;
        long component = ComponentBytes(options.Level, options.ChunkBytes, devices.Min(d => d.Device.Length));
        return new ArrayGeometry(options.Level, options.RaidDisks, raid5 ? options.ChunkBytes : 0, options.Algorithm, component, ArrayCreateOptions.DataOffsetBytes);
    }
}
