namespace RaidEmu.Core.Devices;

/// <summary>
/// A member disk as the power rail sees it. When power is cut, the write in flight on this disk keeps a
/// random prefix of whole sectors (seeded, so a test can repeat it) and every later call fails: the
/// RAID 5 write hole made real. Completed writes stay: the emulated disk has no volatile write cache.
/// </summary>
public sealed class PowerCutDevice : IBlockDevice
{
    private readonly IBlockDevice _inner;
    private readonly Lock _gate = new();
    private Random? _cut;
    private bool _dead;

    /// <summary>Wraps <paramref name="inner"/>, which it owns.</summary>
    public PowerCutDevice(IBlockDevice inner) => _inner = inner;

    /// <inheritdoc />
    public long Length => _inner.Length;

    /// <inheritdoc />
    public int SectorSize => _inner.SectorSize;

    /// <summary>Bytes kept of the write torn by the cut, or -1 when no write was in flight.</summary>
    public long TornBytesKept { get; private set; } = -1;

    /// <summary>Cuts power: the next write keeps a random whole-sector prefix, then the disk is dead.</summary>
    public void Cut(Random random)
    {
        lock (_gate)
        {
            _cut = random;
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
        }

        _inner.Write(offset, source);
    }

    /// <inheritdoc />
    public void Flush()
    {
        ThrowIfOff();
        _inner.Flush();
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
