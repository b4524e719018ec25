namespace RaidEmu.Core.Devices;

/// <summary>A device held in memory, for tests and examples.</summary>
public sealed class MemoryBlockDevice : IBlockDevice
{
    private readonly byte[] _data;

    /// <summary>Creates a zero-filled device of <paramref name="length"/> bytes.</summary>
    public MemoryBlockDevice(long length, int sectorSize = 512)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength);
        _data = new byte[length];
        SectorSize = sectorSize;
    }

    /// <inheritdoc />
    public long Length => _data.LongLength;

    /// <inheritdoc />
    public int SectorSize { get; }

    /// <summary>The raw bytes, so tests can corrupt or inspect them directly.</summary>
    public Span<byte> Bytes => _data;

    /// <inheritdoc />
    public void Read(long offset, Span<byte> destination)
    {
        BlockDeviceGuard.CheckRange(offset, destination.Length, Length);
        _data.AsSpan((int)offset, destination.Length).CopyTo(destination);
    }

    /// <inheritdoc />
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        BlockDeviceGuard.CheckRange(offset, source.Length, Length);
        source.CopyTo(_data.AsSpan((int)offset));
    }

    /// <inheritdoc />
    public void Flush()
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
