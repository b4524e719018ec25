using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Tests.Devices;

/// <summary>
/// A memory disk that can hold one write in flight: it takes the bytes when the write starts (as a DMA
/// transfer does) and lands them only when released, so a test can act while a destage is under way.
/// </summary>
internal sealed class HeldWriteDevice(long length) : IBlockDevice
{
    private readonly MemoryBlockDevice _memory = new(length);
    private int _hold;

    public ManualResetEventSlim Holding { get; } = new();

    public ManualResetEventSlim Release { get; } = new();

    public Span<byte> Bytes => _memory.Bytes;

    public long Length => _memory.Length;

    public int SectorSize => _memory.SectorSize;

    /// <summary>The next write waits for <see cref="Release"/> after taking its bytes.</summary>
    public void HoldNextWrite() => Volatile.Write(ref _hold, 1);

    public void Read(long offset, Span<byte> destination) => _memory.Read(offset, destination);

    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        var taken = source.ToArray();
        if (Interlocked.Exchange(ref _hold, 0) == 1)
        {
            Holding.Set();
            Release.Wait();
        }

        _memory.Write(offset, taken);
    }

    public void Flush()
    {
    }

    public void Dispose()
    {
        Holding.Dispose();
        Release.Dispose();
    }
}
