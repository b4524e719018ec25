using System.Collections.Concurrent;
using RaidEmu.Core.Parity;

namespace RaidEmu.Core.Md;

/// <summary>
/// Aligned scratch buffers of one size, reused across stripe operations. Only a few are kept, so memory
/// stays bounded by the number of concurrent operations, never by the array's size.
/// </summary>
internal sealed class BufferPool : IDisposable
{
    private const int Kept = 8;
    private readonly ConcurrentBag<AlignedBuffer> _free = [];

    public BufferPool(int bufferBytes) => BufferBytes = bufferBytes;

    public int BufferBytes { get; }

    public AlignedBuffer Rent() => _free.TryTake(out var buffer) ? buffer : new AlignedBuffer(BufferBytes);

    public void Return(AlignedBuffer buffer)
    {
        if (_free.Count < Kept)
        {
            _free.Add(buffer);
        }
        else
        {
            ((IDisposable)buffer).Dispose();
        }
    }

    public void Dispose()
    {
        while (_free.TryTake(out var buffer))
        {
            ((IDisposable)buffer).Dispose();
        }
    }
}
