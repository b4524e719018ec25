using System.Collections.Concurrent;
using RaidEmu.Core.Devices;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>A memory device that records where each write landed, can hold writes, and fails them while <see cref="FailWrites"/> is set.</summary>
internal sealed class RecordingDevice(long length) : IBlockDevice
{
    private readonly MemoryBlockDevice _inner = new(length);

    public ConcurrentQueue<(long Offset, int Length)> Writes { get; } = [];

    public bool FailWrites { get; set; }

    /// <summary>Runs at the start of every write (a test holds writes there).</summary>
    public Action? BeforeWrite { get; set; }

    public long Length => _inner.Length;

    public int SectorSize => _inner.SectorSize;

    public void Read(long offset, Span<byte> destination) => _inner.Read(offset, destination);

    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        BeforeWrite?.Invoke();
        if (FailWrites)
        {
            throw new IOException("the test failed this write");
        }

        Writes.Enqueue((offset, source.Length));
        _inner.Write(offset, source);
    }

    public void Flush() => _inner.Flush();

    public void Dispose() => _inner.Dispose();
}
