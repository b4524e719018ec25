using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Tests.Md.Reactions;

/// <summary>
/// A test member that fails the way disks do, in device bytes: unreadable ranges (a write over them remaps, so
/// they heal), unwritable ranges, a whole-device mode (gone, hung), seeded transient errors and a delay per read.
/// </summary>
internal sealed class ErringDevice(IBlockDevice inner) : IBlockDevice
{
    private readonly Lock _gate = new();
    private readonly List<(long Start, long End)> _unreadable = [];
    private readonly List<(long Start, long End)> _unwritable = [];
    private Random? _flaky;
    private double _rate;

    public IOException? Whole { get; set; }

    public TimeSpan ReadDelay { get; set; }

    public int Reads { get; private set; }

    public long Length => inner.Length;

    public int SectorSize => inner.SectorSize;

    public void Unreadable(long offset, long length)
    {
        lock (_gate)
        {
            _unreadable.Add((offset, offset + length));
        }
    }

    public void Unwritable(long offset, long length)
    {
        lock (_gate)
        {
            _unwritable.Add((offset, offset + length));
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _unreadable.Clear();
            _unwritable.Clear();
            _flaky = null;
        }
    }

    public void Flaky(double rate, int seed)
    {
        lock (_gate)
        {
            _rate = rate;
            _flaky = new Random(seed);
        }
    }

    public bool IsUnreadable(long offset, long length)
    {
        lock (_gate)
        {
            return _unreadable.Any(r => r.Start < offset + length && offset < r.End);
        }
    }

    public void Read(long offset, Span<byte> destination)
    {
        if (ReadDelay > TimeSpan.Zero)
        {
            Thread.Sleep(ReadDelay);
        }

        lock (_gate)
        {
            Reads++;
            Check(offset, destination.Length, write: false);
        }

        inner.Read(offset, destination);
    }

    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        lock (_gate)
        {
            Check(offset, source.Length, write: true);

            // The drive remaps sectors it is made to write: they read again.
            for (int i = _unreadable.Count - 1; i >= 0; i--)
            {
                var (start, end) = _unreadable[i];
                long from = Math.Max(start, offset);
                long to = Math.Min(end, offset + source.Length);
                if (from < to)
                {
                    _unreadable.RemoveAt(i);
                    if (start < from)
                    {
                        _unreadable.Add((start, from));
                    }

                    if (to < end)
                    {
                        _unreadable.Add((to, end));
                    }
                }
            }
        }

        inner.Write(offset, source);
    }

    public void Flush()
    {
        if (Whole != null)
        {
            throw Whole;
        }

        inner.Flush();
    }

    public void Dispose() => inner.Dispose();

    private void Check(long offset, int length, bool write)
    {
        if (Whole != null)
        {
            throw Whole;
        }

        if (_flaky != null && _flaky.NextDouble() < _rate)
        {
            throw new IOException("injected transient error");
        }

        var ranges = write ? _unwritable : _unreadable;
        if (ranges.FirstOrDefault(r => r.Start < offset + length && offset < r.End) is { End: > 0 } hit)
        {
            throw new MediumErrorException(write ? "injected unwritable" : "injected unreadable", Math.Max(hit.Start, offset), Math.Min(hit.End, offset + length) - Math.Max(hit.Start, offset), write);
        }
    }
}
