using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace RaidEmu.Core.Integrity;

/// <summary>
/// The ring after the sidecar header. Before a write reaches the member, a record of the blocks it covers
/// and their old and new tags is appended; a flush makes data and tags durable and starts a new generation.
/// After a crash or power cut, every block a current record names holds either its old or its new bytes
/// (or, for the write torn by the cut, a mix), so opening the sidecar sets each such block's tag to the one
/// its bytes match, instead of leaving a tag that describes other bytes.
/// </summary>
internal sealed class IntegrityJournal
{
    /// <summary>Smallest journal a header may declare: one record of a whole segment fits.</summary>
    public const long MinBytes = 64 * 1024;

    /// <summary>Bytes of a record before its tags.</summary>
    public const int RecordHeaderBytes = 32;

    private const uint RecordMagic = 0x4A524543;

    private readonly Lock _gate = new();
    private readonly long _capacity;
    private long _used;

    public IntegrityJournal(long capacity) => _capacity = capacity;

    /// <summary>Bytes appended in the current generation.</summary>
    public long Used
    {
        get
        {
            lock (_gate)
            {
                return _used;
            }
        }
    }

    /// <summary>Bytes of a record of <paramref name="blocks"/> blocks.</summary>
    public static int RecordBytes(int blocks, int tagBytes) => (RecordHeaderBytes + (blocks * 2 * tagBytes) + 7) & ~7;

    /// <summary>Sets aside <paramref name="bytes"/> of the ring; false when a flush must empty it first.</summary>
    public bool TryReserve(int bytes, out long position)
    {
        lock (_gate)
        {
            position = _used;
            if (_used + bytes > _capacity)
            {
                return false;
            }

            _used += bytes;
            return true;
        }
    }

    /// <summary>Empties the ring (its records are spent once the header names a later generation).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _used = 0;
        }
    }

    /// <summary>
    /// Fills in the head of a record whose tags (old ones, then new ones: <paramref name="tagsLength"/> bytes)
    /// are already in place after <see cref="RecordHeaderBytes"/>.
    /// </summary>
    public static void Encode(Span<byte> record, ulong generation, long firstBlock, int blocks, int tagsLength)
    {
        record[..RecordHeaderBytes].Clear();
        record[(RecordHeaderBytes + tagsLength)..].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(record, RecordMagic);
        BinaryPrimitives.WriteInt32LittleEndian(record[4..], blocks);
        BinaryPrimitives.WriteUInt64LittleEndian(record[8..], generation);
        BinaryPrimitives.WriteInt64LittleEndian(record[16..], firstBlock);
        BinaryPrimitives.WriteUInt32LittleEndian(record[24..], Checksum(record, tagsLength));
    }

    /// <summary>
    /// The records of <paramref name="header"/>'s generation, in order: (first block, old tags then new tags).
    /// Reading stops at the first record that is not whole and of this generation.
    /// </summary>
    public static List<(long FirstBlock, int Blocks, byte[] Tags)> Read(SafeFileHandle sidecar, IntegrityHeader header)
    {
        var records = new List<(long, int, byte[])>();
        var head = new byte[RecordHeaderBytes];
        long at = 0;
        while (at + RecordHeaderBytes <= header.JournalBytes)
        {
            // Record by record: after a clean stop the first header read already ends the scan.
            RandomAccess.Read(sidecar, head, IntegrityHeader.JournalOffset + at);
            int blocks = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(4));
            if (BinaryPrimitives.ReadUInt32LittleEndian(head) != RecordMagic || blocks <= 0
                || BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(8)) != header.Generation
                || at + RecordBytes(blocks, header.TagBytes) > header.JournalBytes)
            {
                break;
            }

            var record = new byte[RecordHeaderBytes + (blocks * 2 * header.TagBytes)];
            RandomAccess.Read(sidecar, record, IntegrityHeader.JournalOffset + at);
            int tagsLength = record.Length - RecordHeaderBytes;
            if (BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(24)) != Checksum(record, tagsLength))
            {
                break;
            }

            records.Add((BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(16)), blocks, record[RecordHeaderBytes..]));
            at += RecordBytes(blocks, header.TagBytes);
        }

        return records;
    }

    private static uint Checksum(ReadOnlySpan<byte> record, int tagsLength)
    {
        var crc = new Crc32(Crc32ParameterSet.Crc32C);
        crc.Append(record[..24]);
        crc.Append(record.Slice(RecordHeaderBytes, tagsLength));
        return crc.GetCurrentHashAsUInt32();
    }
}
