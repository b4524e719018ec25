using System.Buffers;

namespace RaidEmu.Core.Devices;

/// <summary>
/// The bytes a drive's volatile cache holds: non-overlapping extents sorted by offset (so a read finds what
/// it overlaps by binary search) and, separately, the order in which they are to reach the disk. A write
/// over bytes already held replaces them in place, so those bytes reach the disk when the oldest write to
/// them would have (a drive destages a dirty cache line once, with its newest bytes); the bytes not held yet
/// become new extents at the young end. Not thread-safe: its owner holds one lock around every call.
/// </summary>
internal sealed class DriveCache
{
    private readonly List<CachedExtent> _byOffset = [];
    private CachedExtent? _oldest;
    private CachedExtent? _youngest;

    /// <summary>Bytes held that no destage has taken yet.</summary>
    public long QueuedBytes { get; private set; }

    /// <summary>Extents held, queued or being destaged.</summary>
    public int Count => _byOffset.Count;

    /// <summary>How much of [offset, offset+length) the cache holds.</summary>
    public CacheCoverage Covers(long offset, int length)
    {
        long end = offset + length;
        int i = FirstEndingAfter(offset);
        if (i == _byOffset.Count || _byOffset[i].Offset >= end)
        {
            return CacheCoverage.None;
        }

        long covered = offset;
        for (; i < _byOffset.Count && _byOffset[i].Offset < end; i++)
        {
            if (_byOffset[i].Offset > covered)
            {
                return CacheCoverage.Partial;
            }

            covered = _byOffset[i].End;
        }

        return covered >= end ? CacheCoverage.Full : CacheCoverage.Partial;
    }

    /// <summary>True when an extent being destaged holds a byte of [offset, offset+length).</summary>
    public bool DestagingWithin(long offset, int length)
    {
        long end = offset + length;
        for (int i = FirstEndingAfter(offset); i < _byOffset.Count && _byOffset[i].Offset < end; i++)
        {
            if (_byOffset[i].Destaging)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Copies the held bytes of the range over <paramref name="destination"/>, which holds the disk's.</summary>
    public void Overlay(long offset, Span<byte> destination)
    {
        long end = offset + destination.Length;
        for (int i = FirstEndingAfter(offset); i < _byOffset.Count && _byOffset[i].Offset < end; i++)
        {
            var extent = _byOffset[i];
            long from = Math.Max(offset, extent.Offset);
            long to = Math.Min(end, extent.End);
            extent.Data.AsSpan((int)(from - extent.Offset), (int)(to - from)).CopyTo(destination[(int)(from - offset)..]);
        }
    }

    /// <summary>Holds <paramref name="source"/> for <paramref name="offset"/>; no extent it overlaps may be destaging.</summary>
    public void Put(long offset, ReadOnlySpan<byte> source)
    {
        long end = offset + source.Length;
        long at = offset;
        int i = FirstEndingAfter(offset);
        while (at < end)
        {
            if (i < _byOffset.Count && _byOffset[i].Offset <= at)
            {
                var held = _byOffset[i];
                long to = Math.Min(end, held.End);
                source[(int)(at - offset)..(int)(to - offset)].CopyTo(held.Data.AsSpan((int)(at - held.Offset)));
                at = to;
                i++;
                continue;
            }

            long gapEnd = i < _byOffset.Count ? Math.Min(end, _byOffset[i].Offset) : end;
            int length = (int)(gapEnd - at);
            var extent = new CachedExtent(at, ArrayPool<byte>.Shared.Rent(length), length);
            source[(int)(at - offset)..(int)(gapEnd - offset)].CopyTo(extent.Data);
            _byOffset.Insert(i, extent);
            Enqueue(extent);
            at = gapEnd;
            i++;
        }
    }

    /// <summary>Takes the oldest queued extents, marked destaging, until no more than <paramref name="keep"/> bytes stay queued; null when none.</summary>
    public List<CachedExtent>? TakeOldest(long keep)
    {
        List<CachedExtent>? taken = null;
        while (QueuedBytes > keep && _oldest is { } extent)
        {
            _oldest = extent.Younger;
            if (_oldest == null)
            {
                _youngest = null;
            }

            extent.Younger = null;
            extent.Destaging = true;
            QueuedBytes -= extent.Length;
            (taken ??= []).Add(extent);
        }

        return taken;
    }

    /// <summary>The extents being destaged now.</summary>
    public List<CachedExtent> Destaging() => _byOffset.FindAll(e => e.Destaging);

    /// <summary>An extent taken by <see cref="TakeOldest"/> reached the disk: it leaves the cache.</summary>
    public void Destaged(CachedExtent extent)
    {
        _byOffset.RemoveAt(IndexOf(extent));
        extent.Destaging = false;
        extent.Destaged = true;
        ArrayPool<byte>.Shared.Return(extent.Data);
    }

    /// <summary>Extents taken by <see cref="TakeOldest"/> that did not reach the disk go back, in order, as the oldest.</summary>
    public void Requeue(List<CachedExtent> extents, int from)
    {
        for (int i = extents.Count - 1; i >= from; i--)
        {
            var extent = extents[i];
            extent.Destaging = false;
            extent.Younger = _oldest;
            _oldest = extent;
            _youngest ??= extent;
            QueuedBytes += extent.Length;
        }
    }

    /// <summary>Drops every byte held (the power went); nothing may be destaging.</summary>
    public void Clear()
    {
        foreach (var extent in _byOffset)
        {
            ArrayPool<byte>.Shared.Return(extent.Data);
        }

        _byOffset.Clear();
        _oldest = _youngest = null;
        QueuedBytes = 0;
    }

    private void Enqueue(CachedExtent extent)
    {
        if (_youngest == null)
        {
            _oldest = extent;
        }
        else
        {
            _youngest.Younger = extent;
        }

        _youngest = extent;
        QueuedBytes += extent.Length;
    }

    /// <summary>The index of the first extent ending after <paramref name="offset"/> (extents do not overlap, so their ends are sorted too).</summary>
    private int FirstEndingAfter(long offset)
    {
        int low = 0;
        int high = _byOffset.Count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_byOffset[middle].End <= offset)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private int IndexOf(CachedExtent extent)
    {
        int i = FirstEndingAfter(extent.Offset);
        return _byOffset[i] == extent ? i : throw new InvalidOperationException("the extent is not in the cache");
    }
}
