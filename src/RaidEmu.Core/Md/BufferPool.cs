using RaidEmu.Core.Parity;

namespace RaidEmu.Core.Md;

/// <summary>
/// Aligned scratch buffers of one size, reused across stripe operations. At most <see cref="MaxLive"/> exist at
/// once; a rent beyond that waits for a return. Memory is therefore bounded by that cap, never by the array's
/// size or by how many requests clients keep in flight.
/// </summary>
/// <remarks>
/// <para>
/// A plain stack under a lock: every RAID 5 write and degraded read rents one, and the concurrent bag this
/// was before counted its buffers on each return by freezing every thread's list (a visible share of a
/// random-write profile).
/// </para>
/// <para>
/// Waiting is deadlock-free only if a renter holds no buffer already and waits for nothing a buffer holder
/// needs: personalities rent inside a stripe lock, return before leaving it, never rent twice, and a stripe
/// operation takes no second stripe lock.
/// </para>
/// </remarks>
internal sealed class BufferPool : IDisposable
{
    /// <summary>
    /// Buffers that may exist at once: 32 MiB of 2 MiB scratch. Without a cap every write in flight held one
    /// (about 136 under NBD's request budget), 272 MiB if all of them touched their whole buffer.
    /// </summary>
    internal const int MaxLive = 16;

    private const int Kept = 8;
    private readonly Stack<AlignedBuffer> _free = new(Kept);
    private readonly object _gate = new();
    private int _live;
    private bool _disposed;

    public BufferPool(int bufferBytes) => BufferBytes = bufferBytes;

    public int BufferBytes { get; }

    /// <summary>Buffers in existence: rented or kept for reuse.</summary>
    public int Live
    {
        get
        {
            lock (_gate)
            {
                return _live;
            }
        }
    }

    public AlignedBuffer Rent()
    {
        lock (_gate)
        {
            while (true)
            {
                if (_free.TryPop(out var kept))
                {
                    return kept;
                }

                if (_live < MaxLive)
                {
                    _live++;
                    break;
                }

                Monitor.Wait(_gate);
            }
        }

        try
        {
            return new AlignedBuffer(BufferBytes);
        }
        catch
        {
            Forget();
            throw;
        }
    }

    public void Return(AlignedBuffer buffer)
    {
        lock (_gate)
        {
            // After the pool is disposed (an abandoned array) a buffer still in use then is freed on its return:
            // native memory has no finalizer to free it later.
            if (_free.Count < Kept && !_disposed)
            {
                _free.Push(buffer);
                Monitor.Pulse(_gate);
                return;
            }
        }

        ((IDisposable)buffer).Dispose();
        Forget();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            while (_free.TryPop(out var buffer))
            {
                ((IDisposable)buffer).Dispose();
                _live--;
            }
        }
    }

    private void Forget()
    {
        lock (_gate)
        {
            _live--;
            Monitor.Pulse(_gate);
        }
    }
}
