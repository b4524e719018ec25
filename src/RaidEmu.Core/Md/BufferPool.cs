using RaidEmu.Core.Parity;

namespace RaidEmu.Core.Md;

/// <summary>
/// Aligned scratch buffers of one size, reused across stripe operations. Only a few are kept, so memory
/// stays bounded by the number of concurrent operations, never by the array's size.
/// </summary>
/// <remarks>
/// A plain stack under a lock: every RAID 5 write and degraded read rents one, and the concurrent bag this
/// was before counted its buffers on each return by freezing every thread's list (a visible share of a
/// random-write profile).
/// </remarks>
internal sealed class BufferPool : IDisposable
{
    private const int Kept = 8;
    private readonly Stack<AlignedBuffer> _free = new(Kept);
    private readonly Lock _gate = new();

    public BufferPool(int bufferBytes) => BufferBytes = bufferBytes;

    public int BufferBytes { get; }

    public AlignedBuffer Rent()
    {
        lock (_gate)
        {
            if (_free.TryPop(out var buffer))
            {
                return buffer;
            }
        }

        return new AlignedBuffer(BufferBytes);
    }

    public void Return(AlignedBuffer buffer)
    {
        lock (_gate)
        {
            if (_free.Count < Kept)
            {
                _free.Push(buffer);
                return;
            }
        }

        ((IDisposable)buffer).Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            while (_free.TryPop(out var buffer))
            {
                ((IDisposable)buffer).Dispose();
            }
        }
    }
}
