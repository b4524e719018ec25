using System.Buffers.Binary;
using System.IO.Hashing;

namespace RaidEmu.Core.Integrity;

/// <summary>Names, tag sizes and the tag function of each <see cref="IntegrityAlgorithm"/>.</summary>
public static class BlockTags
{
    /// <summary>Bytes of member data one tag covers.</summary>
    public const int BlockBytes = 4096;

    /// <summary>The names accepted on the command line, in the order they are listed.</summary>
    public static IReadOnlyList<string> Names { get; } = ["none", "xxh3", "crc32c"];

    /// <summary>The algorithm called <paramref name="name"/>, or null for a name that is not one.</summary>
    public static IntegrityAlgorithm? Parse(string name) => name?.ToLowerInvariant() switch
    {
        "none" => IntegrityAlgorithm.None,
        "xxh3" => IntegrityAlgorithm.Xxh3,
        "crc32c" => IntegrityAlgorithm.Crc32C,
        _ => null,
    };

    /// <summary>The algorithm's name as <see cref="Parse"/> reads it.</summary>
    public static string Name(IntegrityAlgorithm algorithm) => Names[(int)algorithm];

    /// <summary>Bytes of one stored tag.</summary>
    public static int TagBytes(IntegrityAlgorithm algorithm) => algorithm switch
    {
        IntegrityAlgorithm.Xxh3 => 8,
        IntegrityAlgorithm.Crc32C => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "no tags without an algorithm"),
    };

    /// <summary>Tag of <paramref name="block"/>, widened to 64 bits (a CRC-32C tag fills the low half).</summary>
    public static ulong Compute(IntegrityAlgorithm algorithm, ReadOnlySpan<byte> block) => algorithm switch
    {
        IntegrityAlgorithm.Xxh3 => XxHash3.HashToUInt64(block),
        IntegrityAlgorithm.Crc32C => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, block),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "no tags without an algorithm"),
    };

    /// <summary>Reads tag <paramref name="index"/> of a packed tag array (little-endian).</summary>
    public static ulong Get(ReadOnlySpan<byte> tags, int index, int tagBytes) => tagBytes == 8
        ? BinaryPrimitives.ReadUInt64LittleEndian(tags[(index * 8)..])
        : BinaryPrimitives.ReadUInt32LittleEndian(tags[(index * 4)..]);

    /// <summary>Writes tag <paramref name="index"/> of a packed tag array (little-endian).</summary>
    public static void Set(Span<byte> tags, int index, int tagBytes, ulong tag)
    {
        if (tagBytes == 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(tags[(index * 8)..], tag);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(tags[(index * 4)..], (uint)tag);
        }
    }
}
