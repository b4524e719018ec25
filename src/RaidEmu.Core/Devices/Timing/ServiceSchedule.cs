namespace RaidEmu.Core.Devices.Timing;

/// <summary>
/// One device's queue in time: a "busy until" deadline. Each I/O occupies the device for one part of its
/// service time (queued behind the I/Os before it) and then waits a part that overlaps with later I/Os
/// (flash latency, a slow link's delay). A requester arriving just after the last I/O completed is taken to
/// have arrived at that completion: its waiter most likely woke late, and the device must not lose that
/// time on average.
/// </summary>
internal sealed class ServiceSchedule
{
    private readonly Lock _gate = new();
    private readonly long _slack;
    private long _busyUntil = long.MinValue / 2;
    private long _lastDone = long.MinValue / 2;

    /// <summary>A schedule that forgives a requester up to <paramref name="slack"/> timestamp ticks late.</summary>
    public ServiceSchedule(long slack) => _slack = slack;

    /// <summary>
    /// Reserves the device from <paramref name="now"/> (or when it is free) for <paramref name="occupied"/> ticks;
    /// returns when the I/O completes, <paramref name="afterwards"/> ticks after its occupied part.
    /// </summary>
    public long Reserve(long now, long occupied, long afterwards)
    {
        lock (_gate)
        {
            long arrived = now - _lastDone is >= 0 and var late && late < _slack ? _lastDone : now;
            _busyUntil = Math.Max(arrived, _busyUntil) + occupied;
            _lastDone = _busyUntil + afterwards;
            return _lastDone;
        }
    }
}
