namespace RaidEmu.Core.Power;

/// <summary>
/// Dell's "Hot Spare" for failover groups: wake a standby once the load passes 50 % of the active capacity, put
/// one back to sleep below 20 % of one unit, and never change faster than once a second.
/// </summary>
internal sealed class HotSpareBalancer
{
    private static readonly TimeSpan s_hysteresis = TimeSpan.FromSeconds(1);
    private DateTimeOffset _lastChange = DateTimeOffset.MinValue;
    private bool _lookAgainPending;

    /// <summary>What to do now; a change refused by the hysteresis asks (once) to be looked at again later.</summary>
    public Move Decide(DateTimeOffset now, IReadOnlyList<PowerSupply> supplies, double demandWatts, double unitWatts, bool promotionPending)
    {
        var active = supplies.Where(s => s.Delivering).ToList();
        var standby = supplies.FirstOrDefault(s => s.State == SupplyState.StandbySpare && s.InputNormal);
        bool wake = standby != null && !promotionPending && demandWatts > 0.5 * active.Sum(s => s.CapacityWatts);
        bool sleep = active.Count >= 2 && demandWatts < 0.2 * unitWatts;
        if (!wake && !sleep)
        {
            return default;
        }

        var since = now - _lastChange;
        if (since < s_hysteresis)
        {
            if (_lookAgainPending)
            {
                return default;
            }

            _lookAgainPending = true;
            return new Move(null, null, s_hysteresis - since);
        }

        _lastChange = now;
        return wake ? new Move(standby, null, null) : new Move(null, active[^1], null);
    }

    /// <summary>The time asked for by <see cref="Move.LookAgainIn"/> has come.</summary>
    public void LookedAgain() => _lookAgainPending = false;

    /// <summary>Wake this standby, or put this supply to sleep, or look again after a while; all null: nothing.</summary>
    internal readonly record struct Move(PowerSupply? Wake, PowerSupply? Sleep, TimeSpan? LookAgainIn);
}
