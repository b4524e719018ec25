using RaidEmu.Core.Events;

namespace RaidEmu.Core.Power;

/// <summary>
/// Redundant power supplies feeding one array, simulated event by event on their own timeline: every
/// operation happens at <see cref="Now"/>, and what follows from it (a standby waking, hold-up running
/// out, an outage ending) is scheduled and played in order until nothing is pending. The result is the
/// rail state the array sees, and Redfish/IPMI-named events for every transition.
/// </summary>
/// <remarks>
/// The model changes under its own lock and tells nothing while it does: log entries and rail changes are
/// handed out once each instant has settled, outside the lock (see <see cref="Outbox"/>), so a handler that
/// stops the array or asks the model again sees the whole instant. The model never waits; a
/// <see cref="Pacer"/> makes a real array live through the same milliseconds.
/// </remarks>
public sealed class PowerSubsystem
{
    /// <summary>Time a (re)inserted supply takes before PWOK, when it starts to count.</summary>
    private const double PowerGoodDelayMs = 100;

    private readonly Lock _gate = new();
    private readonly Timeline _schedule = new();
    private readonly Outbox _outbox = new();
    private readonly TimeProvider _clock;
    private readonly PowerModel _model;

    /// <summary>
    /// Creates the subsystem for an array of <paramref name="disks"/> members. Operations happen at
    /// <paramref name="clock"/>'s present; their consequences are played on the model's own timeline.
    /// </summary>
    public PowerSubsystem(PowerConfig config, int disks, Guid array, IEventSink sink, Func<ulong> eventCount, TimeProvider clock, IReadOnlyList<SupplySnapshot>? supplies = null, RailState rail = RailState.Good)
    {
        PowerRules.Validate(config);
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
        _model = new PowerModel(config, disks, array, sink, eventCount, _schedule, _outbox, (from, to) => RailChanged?.Invoke(from, to))
        {
            Now = clock.GetUtcNow(),
            Rail = rail,
        };
        for (int i = 0; i < config.Supplies; i++)
        {
            string id = ((char)('A' + i)).ToString();
            var supply = new PowerSupply(id, config.CapacityWatts, i % config.Feeds)
            {
                HoldupMs = config.HoldupOverrides.TryGetValue(id, out double holdup) ? holdup : config.HoldupMs,
                WakeMs = config.WakeOverrides.TryGetValue(id, out double wake) ? wake : config.WakeMs,
                State = config.Mode is RedundancyMode.Failover or RedundancyMode.Sparing && i > 0 ? SupplyState.StandbySpare : SupplyState.Enabled,
            };
            if (supplies?.FirstOrDefault(s => s.Id == id) is { } saved)
            {
                supply.State = saved.State;
                supply.InputNormal = saved.InputNormal;
                supply.CapacityWatts = saved.CapacityWatts ?? config.CapacityWatts;
                supply.PredictedFailure = saved.PredictedFailure;
            }

            Supplies.Add(supply);
        }

        _model.Evaluate();
        // Taking up the saved state is not news.
        _outbox.Clear();
    }

    /// <summary>
    /// Raised when the rail changes, once the instant has settled and outside the model's lock: the serving
    /// process tears writes on Off and restarts the array on Good, and may ask the model anything meanwhile.
    /// </summary>
    public event Action<RailState, RailState>? RailChanged;

    /// <summary>The configuration.</summary>
    public PowerConfig Config => _model.Config;

    /// <summary>Waits for each scheduled instant before it is played (a real array's); null plays the timeline instantly.</summary>
    public ITimelinePacer? Pacer { get; init; }

    /// <summary>Member disks drawing power.</summary>
    public int Disks => _model.Disks;

    /// <summary>The supplies, A first.</summary>
    public List<PowerSupply> Supplies => _model.Supplies;

    /// <summary>The simulated present.</summary>
    public DateTimeOffset Now => _model.Now;

    /// <summary>The rail state the array sees.</summary>
    public RailState Rail => _model.Rail;

    /// <summary>What the system asks for: base load plus every disk.</summary>
    public double DemandWatts => _model.DemandWatts;

    /// <summary>True while the member disks do I/O (the serving process reports it).</summary>
    public bool DisksActive => _model.DisksActive;

    /// <summary>True while the disks spin up after power returned.</summary>
    public bool SpinningUp => _model.SpinningUp;

    /// <summary>What it gets: the demand, or the capacity when capped.</summary>
    public double LoadWatts => _model.LoadWatts;

    /// <summary>What the delivering supplies can give.</summary>
    public double CapacityWatts => _model.CapacityWatts;

    /// <summary>True while the load is limited to the capacity left.</summary>
    public bool Capped => _model.Capped;

    /// <summary>The group status.</summary>
    public GroupStatus GroupStatus => _model.GroupStatus;

    /// <summary>Load, capacity and rail at every change, for the timeline picture.</summary>
    public IReadOnlyList<PowerSample> Timeline => _model.Samples;

    /// <summary>What to save in the array folder.</summary>
    public PowerSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new(Config, [.. Supplies.Select(s => new SupplySnapshot(s.Id, s.State, s.InputNormal, s.CapacityWatts == Config.CapacityWatts ? null : s.CapacityWatts, s.PredictedFailure))], Rail);
        }
    }

    /// <summary>The serving process reports whether the member disks are doing I/O (they draw more then).</summary>
    public void SetDiskActivity(bool active)
    {
        CatchUp();
        if (active != DisksActive)
        {
            Apply(() => _model.DisksActive = active);
        }
    }

    /// <summary>The supply fails internally.</summary>
    public void Fail(string id) => Act(id, s => s.State is not (SupplyState.Failed or SupplyState.Absent), s =>
    {
        s.State = SupplyState.Failed;
        _model.Log(EventTypes.PowerSupplyFailed, s.Id, "internal failure");
    }, "already failed or absent");

    /// <summary>The supply is pulled out of its bay.</summary>
    public void Pull(string id) => Act(id, s => s.State != SupplyState.Absent, s =>
    {
        s.State = SupplyState.Absent;
        _model.Log(EventTypes.PowerSupplyRemoved, s.Id, "removed from its bay");
    }, "already absent");

    /// <summary>
    /// A supply is put back (a unit of another rating when <paramref name="capacityWatts"/> differs): it counts
    /// once its PWOK comes up, and a mismatched unit counts only at the group's rating.
    /// </summary>
    public void Insert(string id, double? capacityWatts = null)
    {
        if (capacityWatts is { } given)
        {
            PowerRules.ValidateRating(given);
        }

        Act(id, s => s.State == SupplyState.Absent, s =>
        {
            s.State = SupplyState.UnavailableOffline;
            s.PredictedFailure = false;
            _model.Log(EventTypes.PowerSupplyInserted, s.Id, $"inserted; counts after PWOK in {PowerGoodDelayMs} ms");
            if (capacityWatts is { } rating && Math.Abs(rating - Config.CapacityWatts) > 0.5)
            {
                _model.Log(EventTypes.PowerSupplyConfigurationError, s.Id, $"a {rating:0} W unit among {Config.CapacityWatts:0} W units; it counts as {Math.Min(rating, Config.CapacityWatts):0} W");
                s.CapacityWatts = Math.Min(rating, Config.CapacityWatts);
            }

            _model.Schedule(PowerGoodDelayMs, () => s.State = _model.ReadyState());
        }, "not absent");
    }

    /// <summary>The supply predicts its own failure: health Warning, still delivering until it really fails.</summary>
    public void Predict(string id) => Act(id, s => s.State != SupplyState.Absent && !s.PredictedFailure, s =>
    {
        s.PredictedFailure = true;
        _model.Log(EventTypes.PowerSupplyPredictiveFailure, s.Id, "failure predicted; replace it soon");
    }, "absent or already predicting failure");

    /// <summary>The supply's input cord is pulled (its feed still has power).</summary>
    public void Unplug(string id) => Act(id, s => s.InputNormal, s =>
    {
        s.InputNormal = false;
        _model.Log(EventTypes.LossOfInputPower, s.Id, "input lost");
    }, "already without input");

    /// <summary>The supply's input is restored.</summary>
    public void Plug(string id) => Act(id, s => !s.InputNormal, _model.RestoreInput, "input already normal");

    /// <summary>A failed supply is repaired (replaced by a good unit).</summary>
    public void Repair(string id) => Act(id, s => s.State == SupplyState.Failed, s =>
    {
        s.State = _model.ReadyState();
        s.PredictedFailure = false;
        _model.Log(EventTypes.PowerSupplyRestored, s.Id, "repaired");
    }, "not failed");

    /// <summary>Manual failover (sparing): a standby starts delivering after its wake time.</summary>
    public void Promote(string id) => Act(id, s => s.State == SupplyState.StandbySpare, s =>
    {
        _model.Log(EventTypes.StandbyPromotionRequested, s.Id, $"operator promotes standby {s.Id}; it delivers in {s.WakeMs} ms");
        _model.WakeLater(s, "now delivering", automatic: false);
    }, "not a standby");

    /// <summary>Logs the configuration just set up, warning when the feeds cannot give grid redundancy.</summary>
    public void ReportSetup()
    {
        CatchUp();
        lock (_gate)
        {
            var c = Config;
            _model.Log(EventTypes.PowerSetup, null, $"{c.Supplies} x {c.CapacityWatts:0} W, {c.Mode}, min needed {c.MinNeeded}, hold-up {c.HoldupMs} ms, wake {c.WakeMs} ms, {c.Feeds} feed(s), capping {(c.Capping ? "on" : "off")}");
            if (c.Feeds > 1 && c.Supplies % c.Feeds != 0)
            {
                // IPMI's configuration-error offset covers mismatched units, not feeds: no IPMI code here.
                _model.Log(EventTypes.PowerSupplyConfigurationError, null, $"grid redundancy impossible: {c.Supplies} supplies cannot be split evenly over {c.Feeds} feeds", ipmi: false);
            }
        }

        _outbox.Deliver();
    }

    /// <summary>An input dropout of <paramref name="ms"/> on every feed, or on one.</summary>
    public void Outage(double ms, int? feed = null)
    {
        PowerRules.ValidateOutage(ms, feed, Config.Feeds);
        CatchUp();
        List<PowerSupply> hit = [];
        Apply(
            () =>
            {
                hit.AddRange(Supplies.Where(s => s.InputNormal && (feed == null || s.Feed == feed)));
                foreach (var supply in hit)
                {
                    supply.InputNormal = false;
                    _model.Log(EventTypes.LossOfInputPower, supply.Id, $"input dropout of {ms} ms{(feed == null ? " on every feed" : $" on feed {feed}")}");
                }
            },
            then: () => _model.Schedule(ms, () => hit.ForEach(_model.RestoreInput)));
    }

    /// <summary>Changes the base load (the disks come on top).</summary>
    public void SetBaseLoad(double watts)
    {
        PowerRules.ValidateLoad(watts);
        CatchUp();
        Apply(() =>
        {
            _model.Config = Config with { BaseLoadWatts = watts };
            _model.Log(EventTypes.LoadChanged, null, $"base load set to {watts:0} W; demand {DemandWatts:0} W");
        });
    }

    /// <summary>Moves simulated time on by <paramref name="time"/>, playing whatever falls due.</summary>
    public void Advance(TimeSpan time)
    {
        var until = Now + time;
        Play(until);
        lock (_gate)
        {
            _model.Now = until;
        }
    }

    /// <summary>Plays every scheduled consequence in time order until nothing is pending.</summary>
    public void Settle() => Play(null);

    /// <summary>Brings the simulated present up to the real one before an operation, playing what fell due meanwhile.</summary>
    private void CatchUp()
    {
        var wall = _clock.GetUtcNow();
        if (wall > Now)
        {
            Advance(wall - Now);
        }
    }

    private void Act(string id, Func<PowerSupply, bool> allowed, Action<PowerSupply> change, string refusal)
    {
        CatchUp();
        Apply(() =>
        {
            var supply = Supplies.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"there is no supply {id} (supplies: {string.Join(", ", Supplies.Select(s => s.Id))})", nameof(id));
            if (!allowed(supply))
            {
                throw new ArrayRefusedException($"supply {supply.Id} is {refusal}");
            }

            change(supply);
        });
    }

    /// <summary>
    /// One operation at the present: the change and its evaluation under the lock (<paramref name="then"/> after
    /// the evaluation's own scheduling, so equal times keep that order), the news handed out, the consequences played.
    /// </summary>
    private void Apply(Action change, Action? then = null)
    {
        lock (_gate)
        {
            change();
            _model.Evaluate();
            then?.Invoke();
        }

        _outbox.Deliver();
        Settle();
    }

    /// <summary>Plays the timeline up to <paramref name="until"/>, or (null) until nothing eager is pending; news goes out after each instant.</summary>
    private void Play(DateTimeOffset? until)
    {
        while (true)
        {
            DateTimeOffset due;
            lock (_gate)
            {
                if (!_schedule.TryPeek(out due) || (until is { } limit ? due > limit : !_schedule.HasEager))
                {
                    return;
                }
            }

            // Waiting holds no lock: the serving process may read the model while a real array sits without power.
            Pacer?.WaitUntil(due);
            lock (_gate)
            {
                if (_schedule.TryTake(due, out var entry))
                {
                    _model.Now = entry.Due;
                    entry.Act();
                    _model.Evaluate();
                }
            }

            _outbox.Deliver();
        }
    }
}
