namespace RaidEmu.Core.Devices.Timing;

/// <summary>
/// One device's queue in time: a "busy until" deadline. Each I/O occupies the device for one part of its
/// service time (queued behind the I/Os before it) and then waits a part that overlaps with later I/Os
/// (flash latency, a slow link's delay). Because each deadline is computed from the previous one rather
/// than from when its waiter woke, a waiter that wakes late does not slow the device down on average.
/// </summary>
internal sealed class ServiceSchedule
{
    private readonly Lock _gate = new();
    private readonly long _slack;
    private long _busyUntil = long.MinValue / 2;

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
            // An I/O arriving just after the device went idle is most likely its predecessor's waiter, woken late.
            long start = now - _busyUntil < _slack ? _busyUntil : now;
            _busyUntil = start + occupied;
            return _busyUntil + afterwards;
        }
    }
}
