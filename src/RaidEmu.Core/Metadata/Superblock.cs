using System.Buffers.Binary;
using System.Text;
using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Metadata;

/// <summary>
/// Linux md's version-1.2 superblock (struct mdp_superblock_1 in include/uapi/linux/raid/md_p.h):
/// 256 bytes of fields then two bytes of role per device, little-endian, 4 KiB into every member.
/// Sizes and offsets on disk are in 512-byte sectors; this type keeps md's units so a round trip is exact.
/// </summary>
public sealed class Superblock
{
    /// <summary>md's magic number.</summary>
    public const uint Magic = 0xa92b4efc;

    /// <summary>Byte offset of a 1.2 superblock on its member.</summary>
    public const long ByteOffset = 4096;

    /// <summary>Space reserved for the superblock; md never writes more than this.</summary>
    public const int BlockBytes = 4096;

    /// <summary>The "in sync" resync offset (MaxSector).</summary>
    public const ulong Synced = ulong.MaxValue;

    /// <summary>feature_map bit: an internal write-intent bitmap sits at <see cref="BitmapOffset"/>.</summary>
    public const uint FeatureBitmap = 1;

    /// <summary>feature_map bit: recovery_offset is meaningful (the member is being rebuilt).</summary>
    public const uint FeatureRecoveryOffset = 2;

    /// <summary>
    /// feature_map bit (MD_FEATURE_BAD_BLOCKS): the bad-block log holds entries. md sets it on every superblock write
    /// while the member's list is not empty and clears it when the list is; the log is read only when it is set.
    /// </summary>
    public const uint FeatureBadBlocks = 8;

    /// <summary>
    /// feature_map bit (MD_FEATURE_RECOVERY_BITMAP): the recovery under way is bitmap-based (a re-add), so
    /// after a restart it still copies only the chunks the bitmap marks.
    /// </summary>
    public const uint FeatureRecoveryBitmap = 0x80;

    private const int HeaderBytes = 256;
    private const int MaxDevices = (BlockBytes - HeaderBytes) / 2;

    /// <summary>feature_map.</summary>
    public uint FeatureMap { get; set; }

    /// <summary>The array's UUID, shared by every member.</summary>
    public Guid SetUuid { get; set; }

    /// <summary>The array's name (at most 32 bytes).</summary>
    public string SetName { get; set; } = "";

    /// <summary>Creation time.</summary>
    public DateTimeOffset CreationTime { get; set; }

    /// <summary>RAID level (1, 5).</summary>
    public int Level { get; set; }

    /// <summary>RAID 5 layout number; 0 for RAID 1.</summary>
    public int Layout { get; set; }

    /// <summary>Sectors of each member used by the array.</summary>
    public ulong Size { get; set; }

    /// <summary>Chunk size in sectors; 0 for RAID 1.</summary>
    public uint ChunkSectors { get; set; }

    /// <summary>Number of slots.</summary>
    public int RaidDisks { get; set; }

    /// <summary>Signed sectors from this superblock to the bitmap header, when <see cref="FeatureBitmap"/> is set.</summary>
    public int BitmapOffset { get; set; }

    /// <summary>First sector of the data area.</summary>
    public ulong DataOffset { get; set; }

    /// <summary>Sectors available for data on this member.</summary>
    public ulong DataSize { get; set; }

    /// <summary>Sector where this superblock sits (8 for version 1.2).</summary>
    public ulong SuperOffset { get; set; } = ByteOffset / 512;

    /// <summary>devflags (bit 0: write-mostly).</summary>
    public byte DevFlags { get; set; }

    /// <summary>bblog_shift: the bad-block log's unit, as a power of two of sectors.</summary>
    public byte BadBlockLogShift { get; set; }

    /// <summary>bblog_size: sectors reserved for the bad-block log.</summary>
    public ushort BadBlockLogSize { get; set; }

    /// <summary>bblog_offset: where the bad-block log starts, in sectors from the superblock (signed).</summary>
    public int BadBlockLogOffset { get; set; }

    /// <summary>cnt_corrected_read: read errors md corrected on this member.</summary>
    public uint CorrectedReads { get; set; }

    /// <summary>Sectors of this member already rebuilt, counted from the data offset.</summary>
    public ulong RecoveryOffset { get; set; }

    /// <summary>Permanent number of this device; indexes <see cref="Roles"/>.</summary>
    public int DevNumber { get; set; }

    /// <summary>This device's UUID.</summary>
    public Guid DeviceUuid { get; set; }

    /// <summary>Last update time.</summary>
    public DateTimeOffset UpdateTime { get; set; }

    /// <summary>Event count, bumped on every state change.</summary>
    public ulong Events { get; set; }

    /// <summary>Sectors known to be in sync; <see cref="Synced"/> when the array is clean.</summary>
    public ulong ResyncOffset { get; set; } = Synced;

    /// <summary>Role of each device number: slot, <see cref="DeviceRole.Spare"/> or <see cref="DeviceRole.Faulty"/>.</summary>
    public ushort[] Roles { get; set; } = [];

    // The 256-byte header as read. Fields RaidEmu has no property for (reshape fields, padding) are written back
    // from it unchanged, so rewriting a superblock never drops what md or mdadm put there.
    private byte[]? _header;

    /// <summary>The role of this member in its own table.</summary>
    public ushort OwnRole => DevNumber < Roles.Length ? Roles[DevNumber] : DeviceRole.Faulty;

    /// <summary>Serialises into <paramref name="block"/> (at least 4096 bytes), computing md's checksum.</summary>
    public void WriteTo(Span<byte> block)
    {
        if (Roles.Length > MaxDevices)
        {
            throw new InvalidOperationException($"at most {MaxDevices} devices fit in a superblock");
        }

        block[..BlockBytes].Clear();
        _header?.CopyTo(block);
        BinaryPrimitives.WriteUInt32LittleEndian(block[0..], Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(block[8..], FeatureMap);
        SetUuid.TryWriteBytes(block[16..32], bigEndian: true, out _);
        block[32..64].Clear();
        Encoding.UTF8.GetBytes(SetName.AsSpan(0, Math.Min(SetName.Length, 32)), block[32..64]);
        BinaryPrimitives.WriteUInt64LittleEndian(block[64..], PackTime(CreationTime));
        BinaryPrimitives.WriteInt32LittleEndian(block[72..], Level);
        BinaryPrimitives.WriteInt32LittleEndian(block[76..], Layout);
        BinaryPrimitives.WriteUInt64LittleEndian(block[80..], Size);
        BinaryPrimitives.WriteUInt32LittleEndian(block[88..], ChunkSectors);
        BinaryPrimitives.WriteInt32LittleEndian(block[92..], RaidDisks);
        BinaryPrimitives.WriteInt32LittleEndian(block[96..], BitmapOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(block[128..], DataOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(block[136..], DataSize);
        BinaryPrimitives.WriteUInt64LittleEndian(block[144..], SuperOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(block[152..], RecoveryOffset);
        BinaryPrimitives.WriteInt32LittleEndian(block[160..], DevNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(block[164..], CorrectedReads);
        DeviceUuid.TryWriteBytes(block[168..184], bigEndian: true, out _);
        block[184] = DevFlags;
        block[185] = BadBlockLogShift;
        BinaryPrimitives.WriteUInt16LittleEndian(block[186..], BadBlockLogSize);
        BinaryPrimitives.WriteInt32LittleEndian(block[188..], BadBlockLogOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(block[192..], PackTime(UpdateTime));
        BinaryPrimitives.WriteUInt64LittleEndian(block[200..], Events);
        BinaryPrimitives.WriteUInt64LittleEndian(block[208..], ResyncOffset);
        BinaryPrimitives.WriteInt32LittleEndian(block[220..], Roles.Length);
        for (int i = 0; i < Roles.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(block[(HeaderBytes + (2 * i))..], Roles[i]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(block[216..], Checksum(block, Roles.Length));
    }

    /// <summary>A copy to change and write back: every field, the unnamed ones included, and its own role table.</summary>
    public Superblock Copy()
    {
        var copy = (Superblock)MemberwiseClone();
        copy.Roles = (ushort[])Roles.Clone();
        return copy;
    }

    /// <summary>Reads and validates the superblock of <paramref name="device"/>; <paramref name="source"/> names it in errors.</summary>
    public static Superblock Read(IBlockDevice device, string source)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.Length < ByteOffset + BlockBytes)
        {
            throw new MetadataException($"{source}: {device.Length} bytes is too short to hold an md superblock");
        }

        var block = new byte[BlockBytes];
        device.Read(ByteOffset, block);
        return Parse(block, source, device.Length);
    }

    /// <summary>
    /// Parses and validates a superblock. <paramref name="source"/> names the file in every error, and
    /// <paramref name="deviceBytes"/> is the member's size, so geometry that runs past its end is caught.
    /// </summary>
    public static Superblock Parse(ReadOnlySpan<byte> block, string source, long deviceBytes)
    {
        if (block.Length < BlockBytes)
        {
            throw new MetadataException($"{source}: too short to hold an md superblock");
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(block);
        if (magic != Magic)
        {
            throw new MetadataException($"{source}: no md superblock (magic 0x{magic:x8}, expected 0x{Magic:x8})");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(block[4..]);
        if (version != 1)
        {
            throw new MetadataException($"{source}: md superblock major version {version} is not supported (only 1)");
        }

        int maxDev = BinaryPrimitives.ReadInt32LittleEndian(block[220..]);
        if (maxDev < 0 || maxDev > MaxDevices)
        {
            throw new MetadataException($"{source}: md superblock claims {maxDev} devices, more than fit");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(block[216..]);
        uint computed = Checksum(block, maxDev);
        if (stored != computed)
        {
            throw new MetadataException($"{source}: md superblock checksum is wrong (stored 0x{stored:x8}, computed 0x{computed:x8})");
        }

        var sb = new Superblock
        {
            FeatureMap = BinaryPrimitives.ReadUInt32LittleEndian(block[8..]),
            SetUuid = new Guid(block[16..32], bigEndian: true),
            SetName = Encoding.UTF8.GetString(block[32..64]).TrimEnd('\0'),
            CreationTime = UnpackTime(BinaryPrimitives.ReadUInt64LittleEndian(block[64..])),
            Level = BinaryPrimitives.ReadInt32LittleEndian(block[72..]),
            Layout = BinaryPrimitives.ReadInt32LittleEndian(block[76..]),
            Size = BinaryPrimitives.ReadUInt64LittleEndian(block[80..]),
            ChunkSectors = BinaryPrimitives.ReadUInt32LittleEndian(block[88..]),
            RaidDisks = BinaryPrimitives.ReadInt32LittleEndian(block[92..]),
            BitmapOffset = BinaryPrimitives.ReadInt32LittleEndian(block[96..]),
            DataOffset = BinaryPrimitives.ReadUInt64LittleEndian(block[128..]),
            DataSize = BinaryPrimitives.ReadUInt64LittleEndian(block[136..]),
            SuperOffset = BinaryPrimitives.ReadUInt64LittleEndian(block[144..]),
            RecoveryOffset = BinaryPrimitives.ReadUInt64LittleEndian(block[152..]),
            DevNumber = BinaryPrimitives.ReadInt32LittleEndian(block[160..]),
            CorrectedReads = BinaryPrimitives.ReadUInt32LittleEndian(block[164..]),
            DeviceUuid = new Guid(block[168..184], bigEndian: true),
            DevFlags = block[184],
            BadBlockLogShift = block[185],
            BadBlockLogSize = BinaryPrimitives.ReadUInt16LittleEndian(block[186..]),
            BadBlockLogOffset = BinaryPrimitives.ReadInt32LittleEndian(block[188..]),
            UpdateTime = UnpackTime(BinaryPrimitives.ReadUInt64LittleEndian(block[192..])),
            Events = BinaryPrimitives.ReadUInt64LittleEndian(block[200..]),
            ResyncOffset = BinaryPrimitives.ReadUInt64LittleEndian(block[208..]),
            Roles = new ushort[maxDev],
            _header = block[..HeaderBytes].ToArray(),
        };
        for (int i = 0; i < maxDev; i++)
        {
            sb.Roles[i] = BinaryPrimitives.ReadUInt16LittleEndian(block[(HeaderBytes + (2 * i))..]);
        }

        sb.Validate(source, deviceBytes);
        return sb;
    }

    private void Validate(string source, long deviceBytes)
    {
        string? problem = null;
        if (Level is not (1 or 5))
        {
            problem = $"RAID level {Level} is not supported (only 1 and 5)";
        }
        else if (RaidDisks < (Level == 1 ? 2 : 3) || RaidDisks > Roles.Length)
        {
            problem = $"{RaidDisks} raid devices is impossible for RAID {Level} with {Roles.Length} roles";
        }
        else if (Level == 5 && (Layout is < 0 or > 3))
        {
            problem = $"RAID 5 layout {Layout} is not one of md's four";
        }
        else if (Level == 5 && (ChunkSectors < 8 || (ChunkSectors & (ChunkSectors - 1)) != 0))
        {
            problem = $"chunk of {ChunkSectors} sectors is not a power of two of at least 4 KiB";
        }
        else if (SuperOffset != ByteOffset / 512)
        {
            problem = $"super offset {SuperOffset} is not version 1.2's 8 sectors";
        }
        else if (DevNumber < 0 || DevNumber >= Roles.Length)
        {
            problem = $"device number {DevNumber} has no entry in the role table";
        }
        else if (DataOffset * 512 < ByteOffset + BlockBytes || Size == 0 || Size > DataSize)
        {
            problem = $"data offset {DataOffset} or size {Size} sectors is impossible (data size {DataSize})";
        }
        else if (Level == 5 && Size % ChunkSectors != 0)
        {
            problem = $"size {Size} sectors is not a whole number of {ChunkSectors}-sector chunks";
        }
        else if ((DataOffset + DataSize) * 512 > (ulong)deviceBytes)
        {
            problem = $"file is {deviceBytes} bytes but the superblock needs {(DataOffset + DataSize) * 512}";
        }

        if (problem != null)
        {
            throw new MetadataException($"{source}: impossible md geometry: {problem}");
        }
    }

    /// <summary>md's checksum: the 32-bit little-endian words of header and role table summed in 64 bits, then folded.</summary>
    internal static uint Checksum(ReadOnlySpan<byte> block, int maxDev)
    {
        int size = HeaderBytes + (2 * maxDev);
        ulong sum = 0;
        int i = 0;
        for (; i + 4 <= size; i += 4)
        {
            // The checksum field itself counts as zero.
            sum += i == 216 ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(block[i..]);
        }

        if (size - i == 2)
        {
            sum += BinaryPrimitives.ReadUInt16LittleEndian(block[i..]);
        }

        return (uint)((sum & 0xffffffff) + (sum >> 32));
    }

    // ctime and utime hold seconds in the low 40 bits. The layout leaves the top 24 bits for microseconds, but
    // mdadm and the kernel always write them as zero and the kernel reads ctime unmasked: anything there makes
    // it see a creation time centuries ahead, and mdadm --detail then drops the Name, UUID and Events lines.
    private const ulong SecondsMask = 0xff_ffff_ffffUL;

    private static ulong PackTime(DateTimeOffset time) => (ulong)time.ToUnixTimeSeconds() & SecondsMask;

    private static DateTimeOffset UnpackTime(ulong packed) => DateTimeOffset.FromUnixTimeSeconds((long)(packed & SecondsMask));
}
