namespace RaidEmu.Core.Devices.Timing;

/// <summary>
/// Serves a device at the speed of a modelled disk: each I/O reserves its service time on the disk's
/// schedule, runs on the inner device, and returns only when the modelled disk would have finished it.
/// </summary>
public sealed class TimedBlockDevice : IBlockDevice
{
    private readonly IBlockDevice _inner;
    private readonly bool _ownsInner;
    private readonly DeviceClock _clock;
    private readonly ServiceSchedule _schedule;
    private readonly Lock _gate = new();
    private readonly long _seed;
    private long _head;
    private long _ios;

    /// <summary>Times <paramref name="inner"/> by <paramref name="model"/>; <paramref name="seed"/> places the rotational waits.</summary>
    public TimedBlockDevice(IBlockDevice inner, TimingModel model, DeviceClock clock, long seed, bool ownsInner = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(clock);
        _inner = inner;
        Model = model;
        _clock = clock;
        _seed = seed;
        _ownsInner = ownsInner;
        _schedule = Schedules.For(clock);
    }

    /// <summary>The disk model.</summary>
    public TimingModel Model { get; }

    /// <inheritdoc />
    public long Length => _inner.Length;

    /// <inheritdoc />
    public int SectorSize => _inner.SectorSize;

    /// <inheritdoc />
    public void Read(long offset, Span<byte> destination)
    {
        long done = Reserve(offset, destination.Length, write: false);
        _inner.Read(offset, destination);
        _clock.WaitUntil(done);
    }

    /// <inheritdoc />
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        long done = Reserve(offset, source.Length, write: true);
        _inner.Write(offset, source);
        _clock.WaitUntil(done);
    }

    /// <inheritdoc />
    public void Flush() => _inner.Flush();

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsInner)
        {
            _inner.Dispose();
        }
    }

    /// <summary>Books an I/O on the disk's schedule; returns the timestamp at which the modelled disk completes it.</summary>
    internal long Reserve(long offset, long length, bool write)
    {
        lock (_gate)
        {
            var (occupied, afterwards) = Model.Cost(offset, length, write, _head, _inner.Length, Seeded.Unit(_seed, _ios++));
            _head = offset + length;
            return _schedule.Reserve(_clock.Now, _clock.Ticks(occupied), _clock.Ticks(afterwards));
        }
    }
}
