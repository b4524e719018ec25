namespace RaidEmu.Core.Power;

/// <summary>Paces the power model against a real clock by sleeping until each scheduled instant.</summary>
public sealed class RealTimePacer(TimeProvider clock) : ITimelinePacer
{
    /// <inheritdoc />
    public void WaitUntil(DateTimeOffset due)
    {
        var wait = due - clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            Thread.Sleep(wait);
        }
    }
}
