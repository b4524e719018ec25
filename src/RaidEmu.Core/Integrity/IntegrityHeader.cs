using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace RaidEmu.Core.Integrity;

/// <summary>
/// The first 4 KiB of a member's <c>.integrity</c> sidecar (format version 1, little-endian; see
/// src/RaidEmu.Core/Integrity/FORMAT.md): what the tags cover and how, and where the journal and tags are.
/// </summary>
public sealed record IntegrityHeader
{
    /// <summary>Bytes the header occupies; the journal starts after it.</summary>
    public const int Bytes = 4096;

    /// <summary>The only format version this build reads and writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Journal bytes in a new sidecar (sparse until used): room for about 3.6 GiB of 64 KiB writes between flushes before a flush is forced.</summary>
    public const long DefaultJournalBytes = 16 * 1024 * 1024;

    // Bytes 0..ChecksummedBytes are covered by the CRC-32C stored right after them.
    private const int ChecksummedBytes = 96;

    private static ReadOnlySpan<byte> Magic => "RDEMINTG"u8;

    /// <summary>Checksum kept per block.</summary>
    public required IntegrityAlgorithm Algorithm { get; init; }

    /// <summary>The member's UUID (md's device_uuid) the tags belong to.</summary>
    public required Guid MemberUuid { get; init; }

    /// <summary>Device offset of the first covered byte: the member's data offset.</summary>
    public required long DataOffset { get; init; }

    /// <summary>Number of <see cref="BlockTags.BlockBytes"/> blocks covered from <see cref="DataOffset"/>.</summary>
    public required long Blocks { get; init; }

    /// <summary>Bytes of the journal ring that follows the header.</summary>
    public long JournalBytes { get; init; } = DefaultJournalBytes;

    /// <summary>Journal records of this generation describe writes not yet flushed; older ones are spent.</summary>
    public ulong Generation { get; init; }

    /// <summary>Blocks found failing their checksum on read over the member's life (kept at each flush).</summary>
    public long FailedBlocks { get; init; }

    /// <summary>Bytes of one tag.</summary>
    public int TagBytes => BlockTags.TagBytes(Algorithm);

    /// <summary>Sidecar offset of the journal ring: right after the header.</summary>
    public const long JournalOffset = Bytes;

    /// <summary>Sidecar offset of block 0's tag.</summary>
    public long TagsOffset => Bytes + JournalBytes;

    /// <summary>Length of a sidecar with this header.</summary>
    public long FileBytes => TagsOffset + (Blocks * TagBytes);

    /// <summary>Encodes the header into <paramref name="block"/> (at least <see cref="Bytes"/> long).</summary>
    public void Encode(Span<byte> block)
    {
        block[..Bytes].Clear();
        Magic.CopyTo(block);
        BinaryPrimitives.WriteInt32LittleEndian(block[8..], CurrentVersion);
        BinaryPrimitives.WriteInt32LittleEndian(block[12..], (int)Algorithm);
        BinaryPrimitives.WriteInt32LittleEndian(block[16..], BlockTags.BlockBytes);
        BinaryPrimitives.WriteInt32LittleEndian(block[20..], TagBytes);
        MemberUuid.TryWriteBytes(block[24..40], bigEndian: true, out _);
        BinaryPrimitives.WriteInt64LittleEndian(block[40..], DataOffset);
        BinaryPrimitives.WriteInt64LittleEndian(block[48..], Blocks);
        BinaryPrimitives.WriteInt64LittleEndian(block[56..], JournalOffset);
        BinaryPrimitives.WriteInt64LittleEndian(block[64..], JournalBytes);
        BinaryPrimitives.WriteInt64LittleEndian(block[72..], TagsOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(block[80..], Generation);
        BinaryPrimitives.WriteInt64LittleEndian(block[88..], FailedBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(block[ChecksummedBytes..], Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, block[..ChecksummedBytes]));
    }

    /// <summary>Decodes and checks a header read from <paramref name="path"/>.</summary>
    /// <exception cref="IntegrityFileException">It is not a version-1 sidecar header, or it is damaged.</exception>
    public static IntegrityHeader Decode(ReadOnlySpan<byte> block, string path)
    {
        if (block.Length < Bytes || !block.StartsWith(Magic))
        {
            throw Damaged(path, "it does not start with a RaidEmu integrity header");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(block[ChecksummedBytes..]);
        if (stored != Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, block[..ChecksummedBytes]))
        {
            throw Damaged(path, "its header fails its own checksum");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(block[8..]);
        if (version != CurrentVersion)
        {
            throw new IntegrityFileException($"{path}: integrity format version {version} is not supported by this build (it reads version {CurrentVersion}); use the RaidEmu release that wrote it");
        }

        var algorithm = (IntegrityAlgorithm)BinaryPrimitives.ReadInt32LittleEndian(block[12..]);
        if (algorithm is not (IntegrityAlgorithm.Xxh3 or IntegrityAlgorithm.Crc32C)
            || BinaryPrimitives.ReadInt32LittleEndian(block[16..]) != BlockTags.BlockBytes
            || BinaryPrimitives.ReadInt32LittleEndian(block[20..]) != BlockTags.TagBytes(algorithm))
        {
            throw Damaged(path, "its algorithm, block size or tag size is not one this build knows");
        }

        var header = new IntegrityHeader
        {
            Algorithm = algorithm,
            MemberUuid = new Guid(block[24..40], bigEndian: true),
            DataOffset = BinaryPrimitives.ReadInt64LittleEndian(block[40..]),
            Blocks = BinaryPrimitives.ReadInt64LittleEndian(block[48..]),
            JournalBytes = BinaryPrimitives.ReadInt64LittleEndian(block[64..]),
            Generation = BinaryPrimitives.ReadUInt64LittleEndian(block[80..]),
            FailedBlocks = BinaryPrimitives.ReadInt64LittleEndian(block[88..]),
        };
        if (header.DataOffset < 0 || header.Blocks < 0 || header.FailedBlocks < 0 || header.JournalBytes < IntegrityJournal.MinBytes
            || BinaryPrimitives.ReadInt64LittleEndian(block[56..]) != JournalOffset
            || BinaryPrimitives.ReadInt64LittleEndian(block[72..]) != header.TagsOffset)
        {
            throw Damaged(path, "its layout fields do not add up");
        }

        return header;
    }

    /// <summary>The refusal for a damaged sidecar, with the way out.</summary>
    internal static IntegrityFileException Damaged(string path, string what) =>
        new($"{path} is damaged: {what}. {WhatToDo(path)}");

    /// <summary>What a user can do about a member whose sidecar is unusable.</summary>
    internal static string WhatToDo(string path)
    {
        string member = path.EndsWith(IntegrityFiles.Suffix, StringComparison.Ordinal) ? path[..^IntegrityFiles.Suffix.Length] : path;
        var text = new StringBuilder();
        text.Append("Restore it from a backup, or move ").Append(Path.GetFileName(member))
            .Append(" and it out of the array folder and add a new member (raidemu add) so the member is rebuilt from redundancy with fresh checksums");
        return text.ToString();
    }
}
