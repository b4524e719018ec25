using System.Runtime.ExceptionServices;
using RaidEmu.Core.Devices;

namespace RaidEmu.Live.Fuse;

/// <summary>
/// Holds back the last, partial stripe of a large write to a RAID 5 until the write that continues it arrives,
/// so a sequential writer gets whole-stripe writes. The kernel hands the image's writes over one at a time, up to
/// 1 MiB each, and waits for each before it sends the next; a RAID 5 of four disks has 1.5 MiB stripes, so
/// without this every request covers part of a stripe, reads back old bytes for its parity and writes that
/// parity again (about twice the member I/O of whole stripes). md gathers such writes in its stripe cache.
/// <para>
/// A write of at least <see cref="MinHoldingWrite"/> bytes that ends inside a stripe it covers from the start, or
/// any write that continues held bytes, leaves that stripe's bytes held: acknowledged and not yet in the array,
/// as bytes in a drive's volatile cache are (write-back, for at most one stripe of at most
/// <see cref="MaxStripeBytes"/>). A write elsewhere, a read of them (which waits while they are being written), an
/// fsync, a close, a release or a command on the array writes them first. They belong to the running array they
/// were written to and are written into that array only: a write while it is down or failed is never held, and
/// bytes held for an array that is gone (a power loss, a restart) are lost with it. A loss is reported to the
/// handles that wrote the bytes, as the kernel reports a writeback error: by every close until their next fsync,
/// which reports it once.
/// </para>
/// </summary>
/// <param name="device">The array's volume: what is not held is written here when no running array is given.</param>
/// <param name="stripeBytes">Its data bytes per stripe; 0 (RAID 1) or too wide: nothing is held.</param>
/// <param name="running">The running, writable array behind <paramref name="device"/>, or null while it is down or failed.</param>
internal sealed class WriteGather(IBlockDevice device, long stripeBytes, Func<IBlockDevice?> running)
{
    /// <summary>Wider stripes are not gathered: the buffer would cost more memory than the reads it saves.</summary>
    public const long MaxStripeBytes = 4 * 1024 * 1024;

    /// <summary>A write smaller than this leaves nothing held unless it continues held bytes: random small writes gain nothing from it.</summary>
    private const int MinHoldingWrite = 128 * 1024;

    private readonly Lock _gate = new();
    private readonly int _stripe = stripeBytes is > 0 and <= MaxStripeBytes ? (int)stripeBytes : 0;
    private readonly List<uint> _owners = [];
    private readonly Dictionary<uint, Exception> _lost = [];
    private byte[]? _buffer;
    private long _start;
    private int _length;
    private IBlockDevice? _array;

    /// <summary>
    /// Writes <paramref name="length"/> bytes at <paramref name="offset"/> for the handle <paramref name="owner"/> into
    /// <paramref name="array"/>, the running array the caller saw before it checked the handle (null: down or failed):
    /// what continues the held bytes completes their stripe, whole stripes are written, and a tail that starts a
    /// stripe is held.
    /// </summary>
    public unsafe void Write(long offset, byte* data, int length, uint owner, IBlockDevice? array)
    {
        if (_stripe == 0)
        {
            SplitIo.Write(array ?? device, offset, data, length, stripeBytes);
            return;
        }

        lock (_gate)
        {
            DropIfGone(array);
            if (array == null)
            {
                // Down or failed: the volume reports why.
                SplitIo.Write(device, offset, data, length, stripeBytes);
                return;
            }

            if (_length > 0 && offset == _start + _length)
            {
                int fill = Math.Min(length, _stripe - _length);
                new ReadOnlySpan<byte>(data, fill).CopyTo(_buffer.AsSpan(_length));
                Volatile.Write(ref _length, _length + fill);
                Own(owner);
                if (_length < _stripe)
                {
                    return;
                }

                // The stripe holds this write's bytes and earlier acknowledged ones (often this handle's own): a
                // failure fails this write, and every writer of the stripe, this one included, hears of it again.
                if (WriteHeld() is { } failure)
                {
                    ExceptionDispatchInfo.Throw(failure);
                }

                offset += fill;
                data += fill;
                length -= fill;
            }
            else if (_length > 0)
            {
                // Bytes this write does not continue: a failure is their writers', reported to them; this write goes on.
                WriteHeld();
            }

            long end = offset + length;
            long tailStart = end - (end % _stripe);
            int tail = (int)(end - tailStart);
            if (tail == 0 || tailStart < offset || length < MinHoldingWrite)
            {
                tail = 0;
            }

            if (length > tail)
            {
                SplitIo.Write(array, offset, data, length - tail, stripeBytes);
            }

            if (tail > 0)
            {
                _buffer ??= GC.AllocateUninitializedArray<byte>(_stripe);
                new ReadOnlySpan<byte>(data + (length - tail), tail).CopyTo(_buffer);
                _start = tailStart;
                _array = array;
                Own(owner);
                Volatile.Write(ref _length, tail);
            }
        }
    }

    /// <summary>
    /// Writes the held bytes first when [<paramref name="offset"/>, +<paramref name="length"/>) overlaps them; when
    /// that fails, the read fails too rather than return the bytes they replace.
    /// </summary>
    public void BeforeRead(long offset, int length)
    {
        if (_stripe == 0 || Volatile.Read(ref _length) == 0)
        {
            return;
        }

        lock (_gate)
        {
            DropIfGone(running());
            if (_length > 0 && offset < _start + _length && _start < offset + length && WriteHeld() is { } failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }
    }

    /// <summary>Writes whatever is held into its array (before a flush, a close, a command); a failure is kept for its writers.</summary>
    public void Drain()
    {
        if (_stripe == 0 || Volatile.Read(ref _length) == 0)
        {
            return;
        }

        lock (_gate)
        {
            DropIfGone(running());
            if (_length > 0)
            {
                WriteHeld();
            }
        }
    }

    /// <summary>Why bytes <paramref name="owner"/> wrote were lost while held, or null; every close reports it until <see cref="TakeLoss"/>.</summary>
    public Exception? PeekLoss(uint owner)
    {
        lock (_gate)
        {
            return _lost.GetValueOrDefault(owner);
        }
    }

    /// <summary>
    /// Why bytes <paramref name="owner"/> wrote were lost while held, once: its next fsync reports it (and its last
    /// release forgets it), as the kernel reports a writeback error once to each open file.
    /// </summary>
    public Exception? TakeLoss(uint owner)
    {
        lock (_gate)
        {
            return _lost.Remove(owner, out var loss) ? loss : null;
        }
    }

    private void Own(uint owner)
    {
        if (!_owners.Contains(owner))
        {
            _owners.Add(owner);
        }
    }

    /// <summary>Bytes held for an array that is no longer the running one went with it.</summary>
    private void DropIfGone(IBlockDevice? array)
    {
        if (_length > 0 && !ReferenceEquals(_array, array))
        {
            Release(new IOException("bytes written through the mount were lost with the array they were written to (power loss or restart)"));
        }
    }

    /// <summary>
    /// Writes the held bytes into the array they were written to (never a later one). They stay held, so readers
    /// wait for them under the lock, until the write has ended, and are gone from here either way; returns the
    /// failure, which every writer of them learns of at its next fsync or close.
    /// </summary>
    private Exception? WriteHeld()
    {
        Exception? failure = null;
        try
        {
            _array!.Write(_start, _buffer.AsSpan(0, _length));
        }
#pragma warning disable CA1031 // Whatever failed, the held bytes are lost; their writers hear of it at fsync or close.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }

        Release(failure);
        return failure;
    }

    private void Release(Exception? failure)
    {
        if (failure != null)
        {
            foreach (uint owner in _owners)
            {
                _lost[owner] = failure;
            }
        }

        _owners.Clear();
        _array = null;
        Volatile.Write(ref _length, 0);
    }
}
