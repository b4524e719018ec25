using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Tests.Devices;

/// <summary>
/// A memory disk that reads and writes one sector at a time, yielding the processor between sectors, so a
/// read racing a write sees it half done (as a file read racing a file write can); it counts its calls.
/// </summary>
internal sealed class SectorwiseDevice(long length) : IBlockDevice
{
    private readonly MemoryBlockDevice _memory = new(length);
    private long _reads;
    private long _writes;

    public bool Yields { get; init; }

    public long Reads => Interlocked.Read(ref _reads);

    public long Writes => Interlocked.Read(ref _writes);

    public Span<byte> Bytes => _memory.Bytes;

    public long Length => _memory.Length;

    public int SectorSize => _memory.SectorSize;

    public void Read(long offset, Span<byte> destination)
    {
        Interlocked.Increment(ref _reads);
        for (int at = 0; at < destination.Length; at += SectorSize)
        {
            int length = Math.Min(SectorSize, destination.Length - at);
            _memory.Read(offset + at, destination.Slice(at, length));
            Pause();
        }
    }

    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        Interlocked.Increment(ref _writes);
        for (int at = 0; at < source.Length; at += SectorSize)
        {
            int length = Math.Min(SectorSize, source.Length - at);
            _memory.Write(offset + at, source.Slice(at, length));
            Pause();
        }
    }

    public void Flush()
    {
    }

    public void Dispose()
    {
    }

    private void Pause()
    {
        if (Yields)
        {
            Thread.Yield();
        }
    }
}
