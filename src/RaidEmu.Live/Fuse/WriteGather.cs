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
/// a close (FLUSH), a read of them, a write elsewhere or a command on the array writes them first; a power loss
/// drops them, as it drops unflushed bytes anywhere. At most one stripe is held, of at most
/// <see cref="MaxStripeBytes"/>. A write that fails to write them reports the failure (the bytes are lost).
/// </para>
/// </summary>
internal sealed class WriteGather(IBlockDevice device, long stripeBytes)
{
    /// <summary>Wider stripes are not gathered: the buffer would cost more memory than the reads it saves.</summary>
    public const long MaxStripeBytes = 4 * 1024 * 1024;

    /// <summary>Writes smaller than this never leave a tail held: random small writes gain nothing from it.</summary>
    private const int MinHoldingWrite = 128 * 1024;

    private readonly Lock _gate = new();
    private readonly int _stripe = stripeBytes is > 0 and <= MaxStripeBytes ? (int)stripeBytes : 0;
    private byte[]? _buffer;
    private long _start;
    private int _length;
    private int _cycle;
    private bool _lost;

    /// <summary>
    /// Writes <paramref name="length"/> bytes at <paramref name="offset"/>: what continues the held tail completes its
    /// stripe, whole stripes are written, and a tail that starts a stripe is held. <paramref name="cycle"/> is the
    /// power cycle the writer belongs to; bytes held in an earlier one were lost with it.
    /// </summary>
    public unsafe void Write(long offset, byte* data, int length, int cycle)
    {
        if (_stripe == 0)
        {
            SplitIo.Write(device, offset, data, length, stripeBytes);
            return;
        }

        lock (_gate)
        {
            DropIfLost(cycle);
            if (_length > 0 && offset == _start + _length)
            {
                int fill = Math.Min(length, _stripe - _length);
                new ReadOnlySpan<byte>(data, fill).CopyTo(_buffer.AsSpan(_length));
                _length += fill;
                if (_length < _stripe)
                {
                    return;
                }

                WriteHeld();
                offset += fill;
                data += fill;
                length -= fill;
            }
            else if (_length > 0)
            {
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
                SplitIo.Write(device, offset, data, length - tail, stripeBytes);
            }

            if (tail > 0)
            {
                _buffer ??= GC.AllocateUninitializedArray<byte>(_stripe);
                new ReadOnlySpan<byte>(data + (length - tail), tail).CopyTo(_buffer);
                _start = tailStart;
                _length = tail;
                _cycle = cycle;
            }
        }
    }

    /// <summary>Writes the held bytes first when [<paramref name="offset"/>, +<paramref name="length"/>) overlaps them.</summary>
    public void BeforeRead(long offset, int length, int cycle)
    {
        if (_stripe == 0 || Volatile.Read(ref _length) == 0)
        {
            return;
        }

        lock (_gate)
        {
            DropIfLost(cycle);
            if (_length > 0 && offset < _start + _length && _start < offset + length)
            {
                WriteHeld();
            }
        }
    }

    /// <summary>Writes whatever is held into the array (before a flush, a close, a command).</summary>
    public void Drain(int cycle)
    {
        if (_stripe == 0 || Volatile.Read(ref _length) == 0)
        {
            return;
        }

        lock (_gate)
        {
            DropIfLost(cycle);
            if (_length > 0)
            {
                WriteHeld();
            }
        }
    }

    /// <summary>True once after held bytes failed to reach the array: the next fsync or close reports it, as writeback errors are.</summary>
    public bool TakeLoss()
    {
        lock (_gate)
        {
            bool lost = _lost;
            _lost = false;
            return lost;
        }
    }

    private void DropIfLost(int cycle)
    {
        if (_length > 0 && _cycle != cycle)
        {
            _length = 0;
        }
    }

    /// <summary>Writes the held bytes; they are gone from here whether or not the write succeeds.</summary>
    private void WriteHeld()
    {
        int length = _length;
        _length = 0;
        try
        {
            device.Write(_start, _buffer.AsSpan(0, length));
        }
        catch
        {
            _lost = true;
            throw;
        }
    }
}
