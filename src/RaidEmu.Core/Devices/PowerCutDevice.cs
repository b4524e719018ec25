namespace RaidEmu.Core.Devices;

/// <summary>
/// A member disk as the power rail sees it, with a volatile write-back cache. A write lands in the cache
/// (by default up to <see cref="CacheBytes"/>; past that the oldest cached writes are destaged to the disk in order), a
/// read sees the cached bytes over the disk's, and a flush destages everything and then flushes the disk.
/// When power is cut the cache is lost, the write in flight keeps a random prefix of whole sectors (seeded,
/// so a test can repeat it), and every later call fails: the RAID 5 write hole made real.
/// </summary>
/// <remarks>
/// One lock guards the cache; the disk is written outside it. An extent being destaged stays in the cache
/// (reads keep seeing it) until its bytes are on the disk, and a write over it waits for that, so a read
/// never finds bytes in neither place and a destage never writes bytes changing under it.
/// </remarks>
public sealed class PowerCutDevice : IBlockDevice
{
    /// <summary>The emulated drive cache: this many bytes of unflushed writes can be lost at once.</summary>
    public const int CacheBytes = 4 * 1024 * 1024;

    // A read that overlaps the cache only in part reads the disk outside the lock; if a destage finished
    // meanwhile, the bytes it read may predate it. After this many such retries it reads under the lock.
    private const int UnlockedReadTries = 2;

    private readonly IBlockDevice _inner;
    private readonly int _cacheBytes;
    private readonly object _gate = new();
    private readonly DriveCache _cache = new();
    private long _destagesDone;
    private int _destagesRunning;
    private Random? _cut;
    private bool _dead;
    private bool _disposed;

    /// <summary>Wraps <paramref name="inner"/>, which it owns, with a cache of <paramref name="cacheBytes"/>.</summary>
    public PowerCutDevice(IBlockDevice inner, int cacheBytes = CacheBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cacheBytes);
        _inner = inner;
        _cacheBytes = cacheBytes;
    }

    /// <summary>Bytes written since the last flush that a power cut would lose (those no destage has taken yet).</summary>
    public long UnflushedBytes
    {
        get
        {
            lock (_gate)
            {
                return _cache.QueuedBytes;
            }
        }
    }

    /// <inheritdoc />
    public long Length => _inner.Length;

    /// <inheritdoc />
    public int SectorSize => _inner.SectorSize;

    /// <summary>Bytes kept of the write torn by the cut, or -1 when no write was in flight.</summary>
    public long TornBytesKept { get; private set; } = -1;

    /// <summary>Cuts power: unflushed writes are lost, the next write keeps a random whole-sector prefix, then the disk is dead.</summary>
    public void Cut(Random random)
    {
        lock (_gate)
        {
            _cut = random;

            // A destage already writing reaches the disk (a drive mid-way through writing a cache line finishes
            // it on its capacitors, as far as this model goes); everything still queued is lost.
            WaitForDestages();
            _cache.Clear();
        }
    }

    /// <inheritdoc />
    public void Read(long offset, Span<byte> destination)
    {
        BlockDeviceGuard.CheckRange(offset, destination.Length, Length);
        long done;
        lock (_gate)
        {
            ThrowIfOff();
            switch (_cache.Covers(offset, destination.Length))
            {
                case CacheCoverage.Full:
                    _cache.Overlay(offset, destination);
                    return;
                case CacheCoverage.Partial:
                    done = _destagesDone;
                    break;
                default:
                    // Nothing cached there: every completed write to the range is on the disk already.
                    done = -1;
                    break;
            }
        }

        _inner.Read(offset, destination);
        if (done < 0)
        {
            return;
        }

        for (int tries = 1; ; tries++)
        {
            lock (_gate)
            {
                ThrowIfOff();
                if (_destagesDone == done || tries > UnlockedReadTries)
                {
                    if (_destagesDone != done)
                    {
                        // Nothing leaves the cache while the lock is held, so disk and cache agree now.
                        _inner.Read(offset, destination);
                    }

                    _cache.Overlay(offset, destination);
                    return;
                }

                done = _destagesDone;
            }

            _inner.Read(offset, destination);
        }
    }

    /// <inheritdoc />
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        BlockDeviceGuard.CheckRange(offset, source.Length, Length);
        List<CachedExtent>? destage;

        // Over budget means an earlier destage failed (a full host file system) and its writes came back: they go
        // out before new bytes come in, and if they still cannot, this write is refused uncached, so the cache
        // stays bounded however long a client keeps writing.
        lock (_gate)
        {
            destage = _cut == null && !_dead && _cache.QueuedBytes > _cacheBytes ? Take(_cacheBytes) : null;
        }

        if (destage != null)
        {
            Destage(destage);
        }

        lock (_gate)
        {
            while (true)
            {
                if (_dead)
                {
                    throw new IOException("the disk has no power");
                }

                if (_cut != null && _destagesRunning == 0)
                {
                    Tear(offset, source);
                }

                if (_cut == null && !_cache.DestagingWithin(offset, source.Length))
                {
                    break;
                }

                // The bytes there are being destaged (or, after a cut, the last destages are finishing).
                Monitor.Wait(_gate);
            }

            _cache.Put(offset, source);
            destage = Take(_cacheBytes);
        }

        if (destage != null)
        {
            Destage(destage);
        }
    }

    /// <inheritdoc />
    public void Flush()
    {
        List<CachedExtent> earlier;
        List<CachedExtent>? destage;
        lock (_gate)
        {
            ThrowIfOff();
            earlier = _cache.Destaging();
            destage = Take(0);
        }

        if (destage != null)
        {
            Destage(destage);
        }

        lock (_gate)
        {
            // Writes destaged by others when the flush came in are part of what it makes durable.
            while (earlier.Exists(e => e.Destaging))
            {
                Monitor.Wait(_gate);
            }

            ThrowIfOff();
            if (!earlier.TrueForAll(e => e.Destaged))
            {
                throw new IOException("cached writes could not be written to the disk before the flush");
            }
        }

        _inner.Flush();
    }

    /// <summary>A clean stop: as a drive does at an orderly shutdown, what the cache holds is written to the disk first.</summary>
    public void Dispose()
    {
        List<CachedExtent>? destage;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            destage = _cut == null && !_dead ? Take(0) : null;
        }

        try
        {
            if (destage != null)
            {
                Destage(destage);
            }
        }
        finally
        {
            lock (_gate)
            {
                WaitForDestages();
                _cache.Clear();
            }

            _inner.Dispose();
        }
    }

    /// <summary>Takes the oldest cached writes to destage, beyond <paramref name="keep"/> bytes; the caller holds the lock.</summary>
    private List<CachedExtent>? Take(long keep)
    {
        var taken = _cache.TakeOldest(keep);
        if (taken != null)
        {
            _destagesRunning++;
        }

        return taken;
    }

    /// <summary>Writes taken extents to the disk in order, then lets them leave the cache; those not written go back.</summary>
    private void Destage(List<CachedExtent> extents)
    {
        int written = 0;
        try
        {
            for (; written < extents.Count; written++)
            {
                _inner.Write(extents[written].Offset, extents[written].Bytes);
            }
        }
        finally
        {
            lock (_gate)
            {
                for (int i = 0; i < written; i++)
                {
                    _cache.Destaged(extents[i]);
                }

                _cache.Requeue(extents, written);
                _destagesDone++;
                _destagesRunning--;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>The first write after the cut: a random whole-sector prefix reaches the disk, then the disk is dead.</summary>
    private void Tear(long offset, ReadOnlySpan<byte> source)
    {
        _dead = true;
        int sectors = source.Length / SectorSize;
        int kept = _cut!.Next(0, sectors + 1) * SectorSize;
        _inner.Write(offset, source[..kept]);
        TornBytesKept = kept;
        throw new IOException($"power lost mid-write: {kept} of {source.Length} bytes reached the disk");
    }

    private void WaitForDestages()
    {
        while (_destagesRunning > 0)
        {
            Monitor.Wait(_gate);
        }
    }

    private void ThrowIfOff()
    {
        if (_cut != null || _dead)
        {
            throw new IOException("the disk has no power");
        }
    }
}
