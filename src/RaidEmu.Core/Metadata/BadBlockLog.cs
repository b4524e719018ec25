using System.Buffers.Binary;
using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Metadata;

/// <summary>
/// md's on-disk bad-block log of a version-1 member (see "The bad-block log" in src/ARCHITECTURE.md): bblog_size
/// sectors at bblog_offset sectors from the superblock, one little-endian 64-bit entry per run,
/// <c>start &lt;&lt; 10 | length</c> in units of 2^bblog_shift sectors of the data area, ended by an all-ones entry.
/// Runs are (Sector, Count) pairs in 512-byte sectors of the data area; Metadata knows nothing of the engine's lists.
/// </summary>
public static class BadBlockLog
{
    /// <summary>Sectors mdadm reserves for the log (4 KiB, 512 entries).</summary>
    public const ushort DefaultSectors = 8;

    /// <summary>Most sectors md reads into its one page for the log.</summary>
    public const int MaxSectors = 8;

    /// <summary>Longest run one entry holds, in units of the log.</summary>
    public const int MaxEntryUnits = 512;

    private const int EntryBytes = 8;
    private const ulong End = ulong.MaxValue;

    /// <summary>True when the member has room for a log md can record into (md's and mdadm's test: offset and size set).</summary>
    public static bool IsConfigured(Superblock super)
    {
        ArgumentNullException.ThrowIfNull(super);
        return super.BadBlockLogOffset != 0 && super.BadBlockLogSize is > 0 and <= MaxSectors;
    }

    /// <summary>Entries a log of <paramref name="logSectors"/> holds.</summary>
    public static int Capacity(int logSectors) => logSectors * 512 / EntryBytes;

    /// <summary>
    /// Where mdadm 1.2 puts a new member's log: right after the internal bitmap rounded up to 4 KiB, or, without a
    /// bitmap, after the space mdadm leaves for one (choose_bm_space of the component size). Returns offset 0 (no
    /// log) when the log would not end before the data.
    /// </summary>
    /// <param name="componentSectors">The array's size field: sectors of each member the array uses.</param>
    /// <param name="bitmapOffsetSectors">Sectors from the superblock to the bitmap; 0 for none.</param>
    /// <param name="bitmapBytes">Bytes of bitmap header and bits; ignored without a bitmap.</param>
    /// <param name="dataOffsetSectors">First sector of the data area.</param>
    public static (int OffsetSectors, ushort SizeSectors) Place(long componentSectors, int bitmapOffsetSectors, long bitmapBytes, long dataOffsetSectors)
    {
        long superSectors = Superblock.ByteOffset / 512;
        long offset = bitmapOffsetSectors != 0
            ? bitmapOffsetSectors + ((bitmapBytes + 4095) / 4096 * 8)
            : (Superblock.BlockBytes / 512) + BitmapSpaceSectors(componentSectors);
        if (superSectors + offset + DefaultSectors <= dataOffsetSectors)
        {
            return ((int)offset, DefaultSectors);
        }

        // mdadm's fallback: the last 4 KiB before the data, when there is room after the superblock.
        return dataOffsetSectors >= superSectors + 16 ? ((int)(dataOffsetSectors - DefaultSectors - superSectors), DefaultSectors) : (0, (ushort)0);
    }

    /// <summary>
    /// The entries for <paramref name="runs"/> in a log of <paramref name="logSectors"/>: each run cut into entries of
    /// at most <see cref="MaxEntryUnits"/> units, the rest of the area all ones, as md writes it.
    /// </summary>
    /// <exception cref="ArgumentException">The runs need more entries than the log holds.</exception>
    public static byte[] Encode(IEnumerable<(long Sector, long Count)> runs, int logSectors, int shift = 0)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var log = new byte[logSectors * 512];
        log.AsSpan().Fill(0xff);
        int capacity = Capacity(logSectors);
        int used = 0;
        long unit = 1L << shift;
        foreach (var (sector, count) in runs.OrderBy(r => r.Sector))
        {
            // A unit bigger than a sector covers every sector the run touches.
            long start = sector >> shift;
            long end = (sector + count + unit - 1) >> shift;
            while (start < end)
            {
                long units = Math.Min(end - start, MaxEntryUnits);
                if (used == capacity)
                {
                    throw new ArgumentException($"bad blocks need more than the {capacity} entries a {logSectors}-sector log holds");
                }

                BinaryPrimitives.WriteUInt64LittleEndian(log.AsSpan(used * EntryBytes), ((ulong)start << 10) | (ulong)units);
                used++;
                start += units;
            }
        }

        return log;
    }

    /// <summary>
    /// The runs in <paramref name="log"/>, read up to the first all-ones entry. An entry of no length or one past the
    /// data area is damage: a <see cref="MetadataException"/> naming <paramref name="source"/>.
    /// </summary>
    public static IReadOnlyList<(long Sector, long Count)> Decode(ReadOnlySpan<byte> log, int shift, long dataSectors, string source)
    {
        if (shift is < 0 or > 30)
        {
            throw new MetadataException($"{source}: bad-block log unit of 2^{shift} sectors is impossible");
        }

        var runs = new List<(long Sector, long Count)>();
        for (int i = 0; i + EntryBytes <= log.Length; i += EntryBytes)
        {
            ulong entry = BinaryPrimitives.ReadUInt64LittleEndian(log[i..]);
            if (entry == End)
            {
                break;
            }

            long count = (long)(entry & 0x3ff) << shift;
            ulong start = entry >> 10;
            if (count == 0 || count > (long)MaxEntryUnits << shift || start > (ulong)(dataSectors >> shift))
            {
                throw new MetadataException($"{source}: bad-block log entry {i / EntryBytes} (0x{entry:x16}) is damaged: {count} sectors at unit {start} of a {dataSectors}-sector data area");
            }

            long sector = (long)start << shift;
            if (sector + count > dataSectors)
            {
                throw new MetadataException($"{source}: bad-block log entry {i / EntryBytes} runs past the {dataSectors}-sector data area ({count} sectors at {sector})");
            }

            runs.Add((sector, count));
        }

        return runs;
    }

    /// <summary>
    /// The runs recorded on <paramref name="device"/>: none unless the superblock announces bad blocks
    /// (MD_FEATURE_BAD_BLOCKS), as md and mdadm read the log only then.
    /// </summary>
    public static IReadOnlyList<(long Sector, long Count)> Read(IBlockDevice device, Superblock super, string source)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(super);
        if ((super.FeatureMap & Superblock.FeatureBadBlocks) == 0)
        {
            return [];
        }

        if (!IsConfigured(super))
        {
            throw new MetadataException($"{source}: the superblock announces bad blocks but has no usable log ({super.BadBlockLogSize} sectors at offset {super.BadBlockLogOffset})");
        }

        long at = ByteOffset(super);
        int bytes = super.BadBlockLogSize * 512;
        if (at < Superblock.ByteOffset + Superblock.BlockBytes || at + bytes > (long)super.DataOffset * 512)
        {
            throw new MetadataException($"{source}: bad-block log at offset {super.BadBlockLogOffset} sectors is outside the metadata area");
        }

        var log = new byte[bytes];
        device.Read(at, log);
        return Decode(log, super.BadBlockLogShift, (long)super.DataSize, source);
    }

    /// <summary>Byte offset of the log on its member.</summary>
    public static long ByteOffset(Superblock super)
    {
        ArgumentNullException.ThrowIfNull(super);
        return Superblock.ByteOffset + (super.BadBlockLogOffset * 512L);
    }

    // mdadm's choose_bm_space of the component size, in sectors: nothing below 64 KiB, else the bitmap room rule.
    private static long BitmapSpaceSectors(long sectors) => sectors < 128 ? 0 : BitmapSuperblock.RoomBytes(sectors * 512) / 512;
}
