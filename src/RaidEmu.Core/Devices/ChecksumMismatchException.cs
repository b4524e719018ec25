namespace RaidEmu.Core.Devices;

/// <summary>
/// Blocks of a member read back, but their bytes do not match the checksum stored when they were written
/// (bit rot, a lost or misdirected write). md treats it as an unreadable range: the data is rebuilt from
/// redundancy and the block rewritten; the rotten bytes are never returned.
/// </summary>
public class ChecksumMismatchException : MediumErrorException
{
    /// <summary>Creates the exception for the blocks at <paramref name="blockOffsets"/> (device bytes, ascending).</summary>
    public ChecksumMismatchException(string message, IReadOnlyList<long> blockOffsets, int blockBytes)
        : base(message, First(blockOffsets), Span(blockOffsets, blockBytes), isWrite: false)
    {
        BlockOffsets = blockOffsets;
        BlockBytes = blockBytes;
    }

    /// <summary>Creates the exception.</summary>
    public ChecksumMismatchException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ChecksumMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ChecksumMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Device offset of each block that failed its checksum; <see cref="MediumErrorException.Offset"/> and <see cref="MediumErrorException.Length"/> span them all.</summary>
    public IReadOnlyList<long> BlockOffsets { get; } = [];

    /// <summary>Bytes per checksummed block.</summary>
    public int BlockBytes { get; }

    private static long First(IReadOnlyList<long> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        return offsets.Count == 0 ? 0 : offsets[0];
    }

    private static long Span(IReadOnlyList<long> offsets, int blockBytes) =>
        offsets.Count == 0 ? 0 : offsets[^1] + blockBytes - offsets[0];
}
