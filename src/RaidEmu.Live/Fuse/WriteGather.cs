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
/// The bytes held are acknowledged and not yet in the array, as bytes in a drive's volatile cache are: an fsync,
/// a close (FLUSH), a read of them, a write elsewhere or a command on the array writes them first; they stay
/// visible as held until that write has finished. They belong to the running array they were written to: once it
/// is gone (a power loss, a restart), they are dropped, and a write while it is down is never held. At most one
/// stripe is held, of at most <see cref="MaxStripeBytes"/>. Bytes that could not be written or were dropped are
/// reported to the handles that wrote them: once by their next fsync, as the kernel reports writeback errors, and by
/// every close until then (FUSE sends a FLUSH for each close of a descriptor, a child's close on exec among them).
/// </para>
/// </summary>
/// <param name="device">The array's volume.</param>
/// <param name="stripeBytes">Its data bytes per stripe; 0 (RAID 1) or too wide: nothing is held.</param>
/// <param name="running">The running array behind <paramref name="device"/>, or null while it is down.</param>
internal sealed class WriteGather(IBlockDevice device, long stripeBytes, Func<object?> running)
{
    /// <summary>Wider stripes are not gathered: the buffer would cost more memory than the reads it saves.</summary>
    public const long MaxStripeBytes = 4 * 1024 * 1024;

    /// <summary>Writes smaller than this never leave a tail held: random small writes gain nothing from it.</summary>
    private const int MinHoldingWrite = 128 * 1024;

    private readonly Lock _gate = new();
    private readonly int _stripe = stripeBytes is > 0 and <= MaxStripeBytes ? (int)stripeBytes : 0;
    private readonly List<uint> _owners = [];
    private readonly HashSet<uint> _lost = [];
    private byte[]? _buffer;
    private long _start;
    private int _length;
    private object? _array;

    /// <summary>
    /// Writes <paramref name="length"/> bytes at <paramref name="offset"/> for the handle <paramref name="owner"/>: what
    /// continues the held tail completes its stripe, whole stripes are written, and a tail that starts a stripe is held.
    /// </summary>
    public unsafe void Write(long offset, byte* data, int length, uint owner)
    {
        if (_stripe == 0)
        {
            SplitIo.Write(device, offset, data, length, stripeBytes);
            return;
        }

        lock (_gate)
        {
            object? array = running();
            DropIfGone(array);
            if (array == null)
            {
                // Down: the device reports why.
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

                // This write's own bytes are in the stripe: a failure is its failure (and its other writers').
                if (WriteHeld(except: owner) is { } failure)
                {
                    ExceptionDispatchInfo.Throw(failure);
                }

                offset += fill;
                data += fill;
                length -= fill;
            }
            else if (_length > 0)
            {
                WriteHeld(except: null);
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
                SplitIo.Write(device, offset, data, length - tail, stripeBytes);
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

    /// <summary>Writes the held bytes first when [<paramref name="offset"/>, +<paramref name="length"/>) overlaps them.</summary>
    public void BeforeRead(long offset, int length)
    {
        if (_stripe == 0 || Volatile.Read(ref _length) == 0)
        {
            return;
        }

        lock (_gate)
        {
            DropIfGone(running());
            if (_length > 0 && offset < _start + _length && _start < offset + length)
            {
                WriteHeld(except: null);
            }
        }
    }

    /// <summary>Writes whatever is held into the array (before a flush, a close, a command); a failure is kept for its writers.</summary>
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
                WriteHeld(except: null);
            }
        }
    }

    /// <summary>True when bytes <paramref name="owner"/> wrote were lost while held; every close reports it until <see cref="TakeLoss"/>.</summary>
    public bool HasLoss(uint owner)
    {
        lock (_gate)
        {
            return _lost.Contains(owner);
        }
    }

    /// <summary>
    /// True once when bytes <paramref name="owner"/> wrote were lost while held: its next fsync reports it (and its last
    /// release forgets it), as the kernel reports a writeback error once to each open file.
    /// </summary>
    public bool TakeLoss(uint owner)
    {
        lock (_gate)
        {
            return _lost.Remove(owner);
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
    private void DropIfGone(object? array)
    {
        if (_length > 0 && !ReferenceEquals(_array, array))
        {
            Release(written: false, except: null);
        }
    }

    /// <summary>
    /// Writes the held bytes. They stay held (readers wait for them under the lock) until the write has ended,
    /// and are gone from here either way; returns the failure, which their writers but <paramref name="except"/> learn
    /// of at their next fsync or close.
    /// </summary>
    private Exception? WriteHeld(uint? except)
    {
        Exception? failure = null;
        try
        {
            device.Write(_start, _buffer.AsSpan(0, _length));
        }
#pragma warning disable CA1031 // Whatever failed, the held bytes are lost; their writers hear of it at fsync or close.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }

        Release(written: failure == null, except);
        return failure;
    }

    private void Release(bool written, uint? except)
    {
        if (!written)
        {
            foreach (uint owner in _owners)
            {
                if (owner != except)
                {
                    _lost.Add(owner);
                }
            }
        }

        _owners.Clear();
        _array = null;
        Volatile.Write(ref _length, 0);
    }
}
