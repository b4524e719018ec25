using RaidEmu.Core.Devices;

namespace RaidEmu.Benchmarks.Arrays;

/// <summary>
/// The power rail's drive cache as it was before the write-back cache (commit 132c6a5), kept only to measure
/// against: every write reads the old bytes first so that a cut can put them back.
/// </summary>
internal sealed class UndoLogDriveCache : IBlockDevice
{
    /// <summary>The emulated drive cache: this many bytes of unflushed writes can be lost at once.</summary>
    public const int CacheBytes = 4 * 1024 * 1024;

    private readonly IBlockDevice _inner;
    private readonly Lock _gate = new();
    private readonly LinkedList<(long Offset, byte[] Old)> _unflushed = new();
    private long _unflushedBytes;
    private Random? _cut;
    private bool _dead;

    /// <summary>Wraps <paramref name="inner"/>, which it owns.</summary>
    public UndoLogDriveCache(IBlockDevice inner) => _inner = inner;

    /// <summary>Bytes written since the last flush that a power cut would lose.</summary>
    public long UnflushedBytes
    {
        get
        {
            lock (_gate)
            {
                return _unflushedBytes;
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

            // Undo newest first, so overlapping writes end with the bytes the flush had made durable.
            for (var node = _unflushed.Last; node != null; node = node.Previous)
            {
                _inner.Write(node.Value.Offset, node.Value.Old);
            }

            _unflushed.Clear();
            _unflushedBytes = 0;
        }
    }

    /// <inheritdoc />
    public void Read(long offset, Span<byte> destination)
    {
        ThrowIfOff();
        _inner.Read(offset, destination);
    }

    /// <inheritdoc />
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        lock (_gate)
        {
            if (_dead)
            {
                throw new IOException("the disk has no power");
            }

            if (_cut != null)
            {
                _dead = true;
                int sectors = source.Length / SectorSize;
                int kept = _cut.Next(0, sectors + 1) * SectorSize;
                _inner.Write(offset, source[..kept]);
                TornBytesKept = kept;
                throw new IOException($"power lost mid-write: {kept} of {source.Length} bytes reached the disk");
            }

            // Writes are serialised per disk so that a cut sees every completed write in the cache.
            var old = new byte[source.Length];
            _inner.Read(offset, old);
            _inner.Write(offset, source);
            _unflushed.AddLast((offset, old));
            _unflushedBytes += old.Length;
            while (_unflushedBytes > CacheBytes && _unflushed.First is { } oldest)
            {
                // The cache is full: the oldest writes have reached the platter.
                _unflushedBytes -= oldest.Value.Old.Length;
                _unflushed.RemoveFirst();
            }
        }
    }

    /// <inheritdoc />
    public void Flush()
    {
        lock (_gate)
        {
            ThrowIfOff();
            _inner.Flush();
            _unflushed.Clear();
            _unflushedBytes = 0;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _inner.Dispose();

    private void ThrowIfOff()
    {
        lock (_gate)
        {
            if (_cut != null || _dead)
            {
                throw new IOException("the disk has no power");
            }
        }
    }
}
