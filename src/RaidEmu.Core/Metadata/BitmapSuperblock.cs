using System.Buffers.Binary;

namespace RaidEmu.Core.Metadata;

/// <summary>
/// md's write-intent bitmap header (bitmap_super_t): 256 little-endian bytes at <c>bitmap_offset</c> sectors
/// from the v1.2 superblock (+8, i.e. 4 KiB after it, as mdadm places it), followed directly by the bits:
/// one per chunk of each member's data area, little-endian bit order (chunk n is bit n % 8 of byte n / 8).
/// A set bit means writes to that chunk may not have reached every member.
/// </summary>
public sealed class BitmapSuperblock
{
    /// <summary>"bitm".</summary>
    public const uint Magic = 0x6d746962;

    /// <summary>Bytes of the header; the bits start right after it.</summary>
    public const int HeaderBytes = 256;

    /// <summary>The version md and mdadm write today (little-endian bits); 3 is the old host-endian one.</summary>
    public const int CurrentVersion = 4;

    /// <summary>Where mdadm puts an internal bitmap: sectors from the superblock.</summary>
    public const int DefaultOffsetSectors = 8;

    /// <summary>md's default daemon_sleep: seconds between sweeps that clear idle bits.</summary>
    public const int DefaultDaemonSleepSeconds = 5;

    /// <summary>State bit: the bitmap is out of date and must not be trusted (a full resync follows).</summary>
    public const uint StateStale = 1 << 1;

    /// <summary>mdadm's default internal bitmap chunk when it fits: 64 MiB.</summary>
    public const long PreferredChunkBytes = 64L * 1024 * 1024;

    /// <summary>Header version.</summary>
    public int Version { get; set; } = CurrentVersion;

    /// <summary>Must equal the array's UUID.</summary>
    public Guid Uuid { get; set; }

    /// <summary>The array's event count when the bitmap was last written.</summary>
    public ulong Events { get; set; }

    /// <summary>Event count up to which every member had every write: a member at least this fresh can be re-added with a bitmap-based recovery.</summary>
    public ulong EventsCleared { get; set; }

    /// <summary>Sectors of each member the bits cover (the component size for RAID 1 and RAID 5).</summary>
    public ulong SyncSectors { get; set; }

    /// <summary>State bits (<see cref="StateStale"/>, write error).</summary>
    public uint State { get; set; }

    /// <summary>Bytes of member data area per bit: a power of two of at least 512.</summary>
    public uint ChunkBytes { get; set; }

    /// <summary>Seconds between the daemon's sweeps.</summary>
    public uint DaemonSleepSeconds { get; set; } = DefaultDaemonSleepSeconds;

    /// <summary>Write-behind limit (RAID 1 write-mostly members); kept as read.</summary>
    public uint WriteBehind { get; set; }

    /// <summary>Sectors reserved for the bitmap after its offset.</summary>
    public uint SectorsReserved { get; set; }

    /// <summary>Cluster nodes (0 for a local array); kept as read.</summary>
    public uint Nodes { get; set; }

    /// <summary>Number of chunks, so of bits.</summary>
    public long Chunks => (long)((SyncSectors * 512 + ChunkBytes - 1) / ChunkBytes);

    /// <summary>Bytes of header and bits, rounded up to whole sectors: what is read and written.</summary>
    public int StorageBytes => (int)((HeaderBytes + ((Chunks + 7) / 8) + 511) / 512 * 512);

    /// <summary>Writes the header into the first 256 bytes of <paramref name="block"/>.</summary>
    public void WriteTo(Span<byte> block)
    {
        var header = block[..HeaderBytes];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)Version);
        Uuid.TryWriteBytes(header[8..24], bigEndian: true, out _);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], Events);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], EventsCleared);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], SyncSectors);
        BinaryPrimitives.WriteUInt32LittleEndian(header[48..], State);
        BinaryPrimitives.WriteUInt32LittleEndian(header[52..], ChunkBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header[56..], DaemonSleepSeconds);
        BinaryPrimitives.WriteUInt32LittleEndian(header[60..], WriteBehind);
        BinaryPrimitives.WriteUInt32LittleEndian(header[64..], SectorsReserved);
        BinaryPrimitives.WriteUInt32LittleEndian(header[68..], Nodes);
    }

    /// <summary>Parses and checks a header; <paramref name="source"/> names the member in errors.</summary>
    public static BitmapSuperblock Parse(ReadOnlySpan<byte> header, string source)
    {
        if (header.Length < HeaderBytes)
        {
            throw new MetadataException($"{source}: too short to hold an md bitmap header");
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (magic != Magic)
        {
            throw new MetadataException($"{source}: the superblock announces a bitmap but none is there (magic 0x{magic:x8}, expected 0x{Magic:x8})");
        }

        var bitmap = new BitmapSuperblock
        {
            Version = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
            Uuid = new Guid(header[8..24], bigEndian: true),
            Events = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]),
            EventsCleared = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]),
            SyncSectors = BinaryPrimitives.ReadUInt64LittleEndian(header[40..]),
            State = BinaryPrimitives.ReadUInt32LittleEndian(header[48..]),
            ChunkBytes = BinaryPrimitives.ReadUInt32LittleEndian(header[52..]),
            DaemonSleepSeconds = BinaryPrimitives.ReadUInt32LittleEndian(header[56..]),
            WriteBehind = BinaryPrimitives.ReadUInt32LittleEndian(header[60..]),
            SectorsReserved = BinaryPrimitives.ReadUInt32LittleEndian(header[64..]),
            Nodes = BinaryPrimitives.ReadUInt32LittleEndian(header[68..]),
        };

        // Version 5 is a clustered bitmap (one per node) and 6 mdadm's lockless one: neither is implemented.
        if (bitmap.Version is not (3 or 4))
        {
            throw new MetadataException($"{source}: md bitmap version {bitmap.Version} is not supported (only 3 and 4; 5 is clustered)");
        }

        if (bitmap.ChunkBytes < 512 || (bitmap.ChunkBytes & (bitmap.ChunkBytes - 1)) != 0)
        {
            throw new MetadataException($"{source}: md bitmap chunk of {bitmap.ChunkBytes} bytes is not a power of two of at least 512");
        }

        return bitmap;
    }

    /// <summary>
    /// mdadm's room for an internal bitmap on a member of <paramref name="deviceBytes"/> (choose_bm_space):
    /// 4 KiB, 64 KiB above 8 GiB, 128 KiB above 200 GiB.
    /// </summary>
    public static long RoomBytes(long deviceBytes) => deviceBytes switch
    {
        >= (200L << 30) + (64 << 10) => 128 * 1024,
        > (8L << 30) + (4 << 10) => 64 * 1024,
        _ => 4096,
    };

    /// <summary>
    /// The smallest chunk whose bits fit in <paramref name="roomBytes"/> after the header, doubling from 4 KiB
    /// as mdadm's add_internal_bitmap1 does.
    /// </summary>
    public static long MinChunkBytes(long componentBytes, long roomBytes)
    {
        long maxBits = (roomBytes - HeaderBytes) * 8;
        long chunk = 4096;
        long bits = (componentBytes / chunk) + 1;
        while (bits > maxBits)
        {
            chunk *= 2;
            bits = (bits + 1) / 2;
        }

        return chunk;
    }

    /// <summary>mdadm's default chunk: 64 MiB, or more when 64 MiB chunks would not fit the room.</summary>
    public static long DefaultChunkBytes(long componentBytes, long roomBytes) =>
        Math.Max(PreferredChunkBytes, MinChunkBytes(componentBytes, roomBytes));

    /// <summary>Bit <paramref name="chunk"/> of <paramref name="bits"/>, in md's little-endian bit order.</summary>
    public static bool GetBit(ReadOnlySpan<byte> bits, long chunk) => (bits[(int)(chunk >> 3)] & (1 << (int)(chunk & 7))) != 0;

    /// <summary>Sets or clears bit <paramref name="chunk"/> of <paramref name="bits"/>.</summary>
    public static void SetBit(Span<byte> bits, long chunk, bool value)
    {
        int mask = 1 << (int)(chunk & 7);
        ref byte b = ref bits[(int)(chunk >> 3)];
        b = (byte)(value ? b | mask : b & ~mask);
    }
}
