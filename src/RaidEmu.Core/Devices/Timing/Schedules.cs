namespace RaidEmu.Core.Devices.Timing;

/// <summary>How late a requester may be and still count as back-to-back with the I/O before it.</summary>
internal static class Schedules
{
    // Longer than a precise wait overshoots, far shorter than any modelled disk's idle gap.
    private static readonly TimeSpan s_slack = TimeSpan.FromMicroseconds(250);

    /// <summary>A fresh schedule for a device waiting on <paramref name="clock"/>.</summary>
    public static ServiceSchedule For(DeviceClock clock) => new(clock.Ticks(s_slack));
}
