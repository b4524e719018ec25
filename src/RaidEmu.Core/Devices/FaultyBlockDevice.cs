namespace RaidEmu.Core.Devices;

/// <summary>
/// Wraps a device and injects faults, as dm-flakey does for Linux. Fail-stop: once <see cref="FailNow"/>
/// is called (or the write budget runs out) every later call throws <see cref="IOException"/>.
/// </summary>
public sealed class FaultyBlockDevice : IBlockDevice
{
    private readonly IBlockDevice _inner;
    private readonly bool _ownsInner;
    private long _writesLeft = long.MaxValue;
    private long _reads;
    private volatile bool _failed;

    /// <summary>Wraps <paramref name="inner"/>; disposing this disposes it when <paramref name="ownsInner"/>.</summary>
    public FaultyBlockDevice(IBlockDevice inner, bool ownsInner = true)
    {
        _inner = inner;
        _ownsInner = ownsInner;
    }

    /// <summary>True once the device has stopped.</summary>
    public bool IsFailed => _failed;

    /// <summary>Number of read calls that reached the inner device.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <inheritdoc />
    public long Length => _inner.Length;

    /// <inheritdoc />
    public int SectorSize => _inner.SectorSize;

    /// <summary>Stops the device: every later call fails.</summary>
    public void FailNow() => _failed = true;

    /// <summary>Lets <paramref name="count"/> more writes through, then stops the device (a crash mid-stream).</summary>
    public void FailAfterWrites(long count) => Interlocked.Exchange(ref _writesLeft, count);

    /// <inheritdoc />
    public void Read(long offset, Span<byte> destination)
    {
        ThrowIfFailed();
        Interlocked.Increment(ref _reads);
        _inner.Read(offset, destination);
    }

    /// <inheritdoc />
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        ThrowIfFailed();
        if (Interlocked.Decrement(ref _writesLeft) < 0)
        {
            _failed = true;
            ThrowIfFailed();
        }

        _inner.Write(offset, source);
    }

    /// <inheritdoc />
    public void Flush()
    {
        ThrowIfFailed();
        _inner.Flush();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsInner)
        {
            _inner.Dispose();
        }
    }

    private void ThrowIfFailed()
    {
        if (_failed)
        {
            throw new DeviceGoneException("injected fault: device has stopped");
        }
    }
}
