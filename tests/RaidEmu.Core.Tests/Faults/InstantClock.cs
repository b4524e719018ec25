using Microsoft.Extensions.Time.Testing;
using RaidEmu.Core.Devices.Timing;

namespace RaidEmu.Core.Tests.Faults;

/// <summary>A device clock whose waits move a fake time forward at once, so tests read the modelled schedule without waiting it out.</summary>
internal sealed class InstantClock : DeviceClock
{
    private readonly Lock _gate = new();

    public InstantClock()
        : this(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)))
    {
    }

    private InstantClock(FakeTimeProvider fake)
        : base(fake) => Fake = fake;

    public FakeTimeProvider Fake { get; }

    /// <summary>Time passed since the clock was made.</summary>
    public TimeSpan Elapsed => Fake.GetUtcNow() - Fake.Start;

    public override void WaitUntil(long deadline)
    {
        lock (_gate)
        {
            long left = deadline - Fake.GetTimestamp();
            if (left > 0)
            {
                Fake.Advance(TimeSpan.FromSeconds((double)left / Fake.TimestampFrequency));
            }
        }
    }
}
