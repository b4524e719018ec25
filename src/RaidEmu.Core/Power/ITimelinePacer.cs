namespace RaidEmu.Core.Power;

/// <summary>
/// Lets a real array live through the power model's instants (a standby that takes 2 s keeps the power off for
/// 2 s). The model itself never waits: without a pacer (tests, simulations) its timeline plays instantly.
/// </summary>
public interface ITimelinePacer
{
    /// <summary>Returns once <paramref name="due"/> has come; the model calls it holding no lock.</summary>
    void WaitUntil(DateTimeOffset due);
}
