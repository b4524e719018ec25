using RaidEmu.Core.Devices.Timing;

namespace RaidEmu.Core.Faults;

/// <summary>
/// Ends the vanish windows of one disk on time, whether or not any I/O comes: md stops sending I/O to a member
/// it failed, yet the member must still come back (and be re-added by a serving host) when its window ends.
/// </summary>
internal sealed class VanishTimers : IDisposable
{
    private readonly int _disk;
    private readonly FaultSet _faults;
    private readonly DeviceClock _clock;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, ITimer> _timers = [];
    private bool _disposed;

    public VanishTimers(int disk, FaultSet faults, DeviceClock clock)
    {
        _disk = disk;
        _faults = faults;
        _clock = clock;
        _faults.Changed += OnChanged;
        OnChanged(null, EventArgs.Empty);
    }

    /// <summary>When the vanish window of <paramref name="fault"/> ends.</summary>
    public static DateTimeOffset End(Fault fault) => fault.Added + TimeSpan.FromMilliseconds(fault.DurationMs ?? 0);

    public void Dispose()
    {
        _faults.Changed -= OnChanged;
        lock (_gate)
        {
            _disposed = true;
            foreach (var timer in _timers.Values)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }
    }

    private void OnChanged(object? sender, EventArgs e)
    {
        var vanishes = _faults.For(_disk).Where(f => f.Kind == FaultKind.Vanish).ToList();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            foreach (int gone in _timers.Keys.Where(id => vanishes.All(f => f.Id != id)).ToList())
            {
                _timers.Remove(gone, out var timer);
                timer!.Dispose();
            }

            foreach (var fault in vanishes.Where(f => !_timers.ContainsKey(f.Id)))
            {
                var due = End(fault) - _clock.Time.GetUtcNow();
                _timers[fault.Id] = _clock.Time.CreateTimer(_ => _faults.Return(fault), null, due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }
    }
}
