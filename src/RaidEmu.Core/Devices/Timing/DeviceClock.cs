namespace RaidEmu.Core.Devices.Timing;

/// <summary>
/// The time member devices wait on: timestamps of a <see cref="TimeProvider"/> and a wait for a deadline.
/// On the system clock the wait is precise: it sleeps while more than two milliseconds remain and spins
/// for the rest, since a sleep alone overshoots by a millisecond or more and a modelled SSD's I/O takes
/// tens of microseconds. A test clock may override <see cref="WaitUntil"/> to move its own time instead.
/// </summary>
public class DeviceClock
{
    // Below this, a sleep would overshoot the deadline: spin instead.
    private const double SpinBelowMs = 2;

    /// <summary>A clock over <paramref name="time"/>.</summary>
    public DeviceClock(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Time = time;
    }

    /// <summary>The real clock.</summary>
    public static DeviceClock System { get; } = new(TimeProvider.System);

    /// <summary>The time source: timestamps for schedules, wall time for fault windows and timers.</summary>
    public TimeProvider Time { get; }

    /// <summary>The current timestamp.</summary>
    public long Now => Time.GetTimestamp();

    /// <summary>Timestamp ticks in <paramref name="span"/>.</summary>
    public long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Time.TimestampFrequency);

    /// <summary>Returns once <see cref="Now"/> has reached <paramref name="deadline"/>.</summary>
    public virtual void WaitUntil(long deadline)
    {
        bool precise = ReferenceEquals(Time, TimeProvider.System);
        while (true)
        {
            long left = deadline - Time.GetTimestamp();
            if (left <= 0)
            {
                return;
            }

            double ms = left * 1000.0 / Time.TimestampFrequency;
            if (!precise)
            {
                // Another thread moves a test's time: look again soon.
                Thread.Sleep(1);
            }
            else if (ms > SpinBelowMs)
            {
                Thread.Sleep((int)(ms - (SpinBelowMs / 2)));
            }
            else
            {
                Thread.Yield();
            }
        }
    }
}
