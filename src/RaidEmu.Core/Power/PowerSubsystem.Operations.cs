namespace RaidEmu.Core.Power;

public sealed partial class PowerSubsystem
{
    /// <summary>Time a (re)inserted supply takes before PWOK, when it starts to count.</summary>
    private const double PowerGoodDelayMs = 100;

    /// <summary>The supply fails internally.</summary>
    public void Fail(string id) => Act(id, s => s.State is not (SupplyState.Failed or SupplyState.Absent), s =>
    {
        s.State = SupplyState.Failed;
        Log("PowerSupplyFailed", "Power.1.2.PowerSupplyFailed", "08h/01", s.Id, "internal failure", false);
    }, "already failed or absent");

    /// <summary>The supply is pulled out of its bay.</summary>
    public void Pull(string id) => Act(id, s => s.State != SupplyState.Absent, s =>
    {
        s.State = SupplyState.Absent;
        Log("PowerSupplyRemoved", "Power.1.2.PowerSupplyRemoved", "08h/00 deasserted", s.Id, "removed from its bay", false);
    }, "already absent");

    /// <summary>
    /// A supply is put back (a unit of another rating when <paramref name="capacityWatts"/> differs): it counts
    /// once its PWOK comes up, and a mismatched unit counts only at the group's rating.
    /// </summary>
    public void Insert(string id, double? capacityWatts = null) => Act(id, s => s.State == SupplyState.Absent, s =>
    {
        s.State = SupplyState.UnavailableOffline;
        s.PredictedFailure = false;
        Log("PowerSupplyInserted", "Power.1.2.PowerSupplyInserted", "08h/00", s.Id, $"inserted; counts after PWOK in {PowerGoodDelayMs} ms", false);
        if (capacityWatts is { } rating && Math.Abs(rating - Config.CapacityWatts) > 0.5)
        {
            Log("PowerSupplyConfigurationError", "Power.1.2.PowerSupplyWarning", "08h/06 (event data 3 = 03h: rating)", s.Id,
                $"a {rating:0} W unit among {Config.CapacityWatts:0} W units; it counts as {Math.Min(rating, Config.CapacityWatts):0} W", false);
            s.CapacityWatts = Math.Min(rating, Config.CapacityWatts);
        }

        Schedule(PowerGoodDelayMs, $"PWOK {s.Id}", () => s.State = ReadyState());
    }, "not absent");

    /// <summary>The supply predicts its own failure: health Warning, still delivering until it really fails.</summary>
    public void Predict(string id) => Act(id, s => s.State != SupplyState.Absent && !s.PredictedFailure, s =>
    {
        s.PredictedFailure = true;
        Log("PowerSupplyPredictiveFailure", "Power.1.2.PowerSupplyPredictiveFailure", "08h/02", s.Id, "failure predicted; replace it soon", false);
    }, "absent or already predicting failure");

    /// <summary>Logs the configuration just set up, warning when the feeds cannot give grid redundancy.</summary>
    public void ReportSetup()
    {
        CatchUp();
        var c = Config;
        Log("PowerSetup", null, null, null, $"{c.Supplies} x {c.CapacityWatts:0} W, {c.Mode}, min needed {c.MinNeeded}, hold-up {c.HoldupMs} ms, wake {c.WakeMs} ms, {c.Feeds} feed(s), capping {(c.Capping ? "on" : "off")}", false);
        if (c.Feeds > 1 && c.Supplies % c.Feeds != 0)
        {
            Log("PowerSupplyConfigurationError", "Power.1.2.PowerSupplyWarning", null, null,
                $"grid redundancy impossible: {c.Supplies} supplies cannot be split evenly over {c.Feeds} feeds", false);
        }
    }

    /// <summary>The supply's input cord is pulled (its feed still has power).</summary>
    public void Unplug(string id) => Act(id, s => s.InputNormal, s =>
    {
        s.InputNormal = false;
        Log("LossOfInputPower", "Power.1.2.LossOfInputPower", "08h/03", s.Id, "input lost", false);
    }, "already without input");

    /// <summary>The supply's input is restored.</summary>
    public void Plug(string id) => Act(id, s => !s.InputNormal, s => RestoreInput(s), "input already normal");

    /// <summary>A failed supply is repaired (replaced by a good unit).</summary>
    public void Repair(string id) => Act(id, s => s.State == SupplyState.Failed, s =>
    {
        s.State = ReadyState();
        s.PredictedFailure = false;
        Log("PowerSupplyRestored", "Power.1.2.PowerSupplyRestored", "08h/01 deasserted", s.Id, "repaired", false);
    }, "not failed");

    /// <summary>Manual failover (sparing): a standby starts delivering after its wake time.</summary>
    public void Promote(string id) => Act(id, s => s.State == SupplyState.StandbySpare, s =>
    {
        Log("StandbyPromotionRequested", null, null, s.Id, $"operator promotes standby {s.Id}; it delivers in {s.WakeMs} ms", false);
        Schedule(s.WakeMs, $"promote {s.Id}", () =>
        {
            s.State = SupplyState.Enabled;
            Log("StandbyPromoted", "ResourceEvent.1.4.ResourceStateChanged", "08h/07 deasserted", s.Id, "now delivering", false);
        });
    }, "not a standby");

    /// <summary>An input dropout of <paramref name="ms"/> on every feed, or on one.</summary>
    public void Outage(double ms, int? feed = null)
    {
        if (ms <= 0)
        {
            throw new ArgumentException("--ms must be more than 0");
        }

        if (feed is { } f && (f < 0 || f >= Config.Feeds))
        {
            throw new ArgumentException($"--feed must be 0 to {Config.Feeds - 1}");
        }

        CatchUp();
        var hit = Supplies.Where(s => s.InputNormal && (feed == null || s.Feed == feed)).ToList();
        foreach (var supply in hit)
        {
            supply.InputNormal = false;
            Log("LossOfInputPower", "Power.1.2.LossOfInputPower", "08h/03", supply.Id, $"input dropout of {ms} ms{(feed == null ? " on every feed" : $" on feed {feed}")}", false);
        }

        Evaluate(quiet: false);
        Schedule(ms, "outage ends", () =>
        {
            foreach (var supply in hit)
            {
                RestoreInput(supply);
            }
        });
        Settle();
    }

    /// <summary>Changes the base load (the disks come on top).</summary>
    public void SetBaseLoad(double watts)
    {
        if (watts < 0)
        {
            throw new ArgumentException("--watts must not be negative");
        }

        CatchUp();
        Config = Config with { BaseLoadWatts = watts };
        Log("LoadChanged", null, null, null, $"base load set to {watts:0} W; demand {DemandWatts:0} W", false);
        Evaluate(quiet: false);
        Settle();
    }

    private void RestoreInput(PowerSupply supply)
    {
        supply.InputNormal = true;
        Log("LineInputPowerRestored", "Power.1.2.LineInputPowerRestored", "08h/03 deasserted", supply.Id, "input restored", false);
    }

    /// <summary>A supply that becomes available joins as a standby in failover/sparing groups that already have power.</summary>
    private SupplyState ReadyState() =>
        Config.Mode is RedundancyMode.Failover or RedundancyMode.Sparing && Supplies.Any(s => s.Delivering)
            ? SupplyState.StandbySpare
            : SupplyState.Enabled;

    private void Act(string id, Func<PowerSupply, bool> allowed, Action<PowerSupply> change, string refusal)
    {
        CatchUp();
        var supply = Supplies.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"there is no supply {id} (supplies: {string.Join(", ", Supplies.Select(s => s.Id))})");
        if (!allowed(supply))
        {
            throw new InvalidOperationException($"supply {supply.Id} is {refusal}");
        }

        change(supply);
        Evaluate(quiet: false);
        Settle();
    }
}
