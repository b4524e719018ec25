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

    private const int MaxSamples = 10_000;
    private readonly Lock _gate = new();
    private readonly Timeline _schedule = new();
    private readonly Outbox _outbox = new();
    private readonly HotSpareBalancer _hotSpare = new();
    private readonly IEventSink _sink;
    private readonly TimeProvider _clock;
    private readonly Guid _array;
    private readonly Func<ulong> _eventCount;
    private readonly List<PowerSample> _samples = [];
    private List<PowerSupply> _lastDelivering = [];
    private long _holdupToken;
    private bool _capped;
    private bool _promotionPending;
    private DateTimeOffset _spinUpUntil = DateTimeOffset.MinValue;
    private bool _powerOnRefused;
    private bool _capPending;
    private GroupStatus? _group;

    /// <summary>
    /// Creates the subsystem for an array of <paramref name="disks"/> members. Operations happen at
    /// <paramref name="clock"/>'s present; their consequences are played on the model's own timeline.
    /// </summary>
    public PowerSubsystem(PowerConfig config, int disks, Guid array, IEventSink sink, Func<ulong> eventCount, TimeProvider clock, IReadOnlyList<SupplySnapshot>? supplies = null, RailState rail = RailState.Good)
    {
        PowerRules.Validate(config);
        ArgumentNullException.ThrowIfNull(clock);
        Config = config;
        Disks = disks;
        _array = array;
        _sink = sink;
        _eventCount = eventCount;
        _clock = clock;
        Now = clock.GetUtcNow();
        Rail = rail;
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

        Evaluate();
        // Taking up the saved state is not news.
        _outbox.Clear();
    }

    /// <summary>
    /// Raised when the rail changes, once the instant has settled and outside the model's lock: the serving
    /// process tears writes on Off and restarts the array on Good, and may ask the model anything meanwhile.
    /// </summary>
    public event Action<RailState, RailState>? RailChanged;

    /// <summary>The configuration.</summary>
    public PowerConfig Config { get; private set; }

    /// <summary>Waits for each scheduled instant before it is played (a real array's); null plays the timeline instantly.</summary>
    public ITimelinePacer? Pacer { get; init; }

    /// <summary>Member disks drawing power.</summary>
    public int Disks { get; }

    /// <summary>The supplies, A first.</summary>
    public List<PowerSupply> Supplies { get; } = [];

    /// <summary>The simulated present.</summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>The rail state the array sees.</summary>
    public RailState Rail { get; private set; }

    /// <summary>What the system asks for: base load plus every disk.</summary>
    public double DemandWatts => Config.BaseLoadWatts + (Disks * DiskWatts);

    /// <summary>True while the member disks do I/O (the serving process reports it).</summary>
    public bool DisksActive { get; private set; }

    /// <summary>True while the disks spin up after power returned.</summary>
    public bool SpinningUp => Now < _spinUpUntil;

    /// <summary>What it gets: the demand, or the capacity when capped.</summary>
    public double LoadWatts => Rail == RailState.Off ? 0 : Math.Min(DemandWatts, _capped ? CapacityWatts : DemandWatts);

    /// <summary>What the delivering supplies can give.</summary>
    public double CapacityWatts => Supplies.Where(s => s.Delivering).Sum(s => s.CapacityWatts);

    /// <summary>True while the load is limited to the capacity left.</summary>
    public bool Capped => _capped;

    /// <summary>The group status.</summary>
    public GroupStatus GroupStatus => _group ?? GroupStatus.FullyRedundant;

    /// <summary>Load, capacity and rail at every change, for the timeline picture.</summary>
    public IReadOnlyList<PowerSample> Timeline => _samples;

    private double DiskWatts => SpinningUp ? Config.DiskSpinUpWatts : DisksActive ? Config.DiskActiveWatts : Config.DiskWatts;

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
            Apply(() => DisksActive = active);
        }
    }

    /// <summary>The supply fails internally.</summary>
    public void Fail(string id) => Act(id, s => s.State is not (SupplyState.Failed or SupplyState.Absent), s =>
    {
        s.State = SupplyState.Failed;
        Log(EventTypes.PowerSupplyFailed, s.Id, "internal failure");
    }, "already failed or absent");

    /// <summary>The supply is pulled out of its bay.</summary>
    public void Pull(string id) => Act(id, s => s.State != SupplyState.Absent, s =>
    {
        s.State = SupplyState.Absent;
        Log(EventTypes.PowerSupplyRemoved, s.Id, "removed from its bay");
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
            Log(EventTypes.PowerSupplyInserted, s.Id, $"inserted; counts after PWOK in {PowerGoodDelayMs} ms");
            if (capacityWatts is { } rating && Math.Abs(rating - Config.CapacityWatts) > 0.5)
            {
                Log(EventTypes.PowerSupplyConfigurationError, s.Id, $"a {rating:0} W unit among {Config.CapacityWatts:0} W units; it counts as {Math.Min(rating, Config.CapacityWatts):0} W");
                s.CapacityWatts = Math.Min(rating, Config.CapacityWatts);
            }

            Schedule(PowerGoodDelayMs, () => s.State = ReadyState());
        }, "not absent");
    }

    /// <summary>The supply predicts its own failure: health Warning, still delivering until it really fails.</summary>
    public void Predict(string id) => Act(id, s => s.State != SupplyState.Absent && !s.PredictedFailure, s =>
    {
        s.PredictedFailure = true;
        Log(EventTypes.PowerSupplyPredictiveFailure, s.Id, "failure predicted; replace it soon");
    }, "absent or already predicting failure");

    /// <summary>The supply's input cord is pulled (its feed still has power).</summary>
    public void Unplug(string id) => Act(id, s => s.InputNormal, s =>
    {
        s.InputNormal = false;
        Log(EventTypes.LossOfInputPower, s.Id, "input lost");
    }, "already without input");

    /// <summary>The supply's input is restored.</summary>
    public void Plug(string id) => Act(id, s => !s.InputNormal, RestoreInput, "input already normal");

    /// <summary>A failed supply is repaired (replaced by a good unit).</summary>
    public void Repair(string id) => Act(id, s => s.State == SupplyState.Failed, s =>
    {
        s.State = ReadyState();
        s.PredictedFailure = false;
        Log(EventTypes.PowerSupplyRestored, s.Id, "repaired");
    }, "not failed");

    /// <summary>Manual failover (sparing): a standby starts delivering after its wake time.</summary>
    public void Promote(string id) => Act(id, s => s.State == SupplyState.StandbySpare, s =>
    {
        Log(EventTypes.StandbyPromotionRequested, s.Id, $"operator promotes standby {s.Id}; it delivers in {s.WakeMs} ms");
        WakeLater(s, "now delivering", automatic: false);
    }, "not a standby");

    /// <summary>Logs the configuration just set up, warning when the feeds cannot give grid redundancy.</summary>
    public void ReportSetup()
    {
        CatchUp();
        lock (_gate)
        {
            var c = Config;
            Log(EventTypes.PowerSetup, null, $"{c.Supplies} x {c.CapacityWatts:0} W, {c.Mode}, min needed {c.MinNeeded}, hold-up {c.HoldupMs} ms, wake {c.WakeMs} ms, {c.Feeds} feed(s), capping {(c.Capping ? "on" : "off")}");
            if (c.Feeds > 1 && c.Supplies % c.Feeds != 0)
            {
                // IPMI's configuration-error offset covers mismatched units, not feeds: no IPMI code here.
                Log(EventTypes.PowerSupplyConfigurationError, null, $"grid redundancy impossible: {c.Supplies} supplies cannot be split evenly over {c.Feeds} feeds", ipmi: false);
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
                    Log(EventTypes.LossOfInputPower, supply.Id, $"input dropout of {ms} ms{(feed == null ? " on every feed" : $" on feed {feed}")}");
                }
            },
            then: () => Schedule(ms, () => hit.ForEach(RestoreInput)));
    }

    /// <summary>Changes the base load (the disks come on top).</summary>
    public void SetBaseLoad(double watts)
    {
        PowerRules.ValidateLoad(watts);
        CatchUp();
        Apply(() =>
        {
            Config = Config with { BaseLoadWatts = watts };
            Log(EventTypes.LoadChanged, null, $"base load set to {watts:0} W; demand {DemandWatts:0} W");
        });
    }

    /// <summary>Moves simulated time on by <paramref name="time"/>, playing whatever falls due.</summary>
    public void Advance(TimeSpan time)
    {
        var until = Now + time;
        Play(until);
        lock (_gate)
        {
            Now = until;
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
            Evaluate();
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
                    Now = entry.Due;
                    entry.Act();
                    Evaluate();
                }
            }

            _outbox.Deliver();
        }
    }

    private void Schedule(double ms, Action act, bool lazy = false) =>
        _schedule.Schedule(Now + TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond)), act, lazy);

    /// <summary>Recomputes capacity against demand, the group status and the rail, and schedules what follows.</summary>
    private void Evaluate()
    {
        double capacity = CapacityWatts;
        double demand = DemandWatts;
        double surge = Config.BaseLoadWatts + (Disks * Config.DiskSpinUpWatts);
        if (Rail == RailState.Off && capacity >= demand && capacity < surge)
        {
            // The chassis cannot come back while the disks' spin-up surge would not fit: it stays off.
            if (!_powerOnRefused)
            {
                _powerOnRefused = true;
                Log(EventTypes.PowerOnRefused, null, $"{capacity:0} W cannot carry the spin-up surge of {surge:0} W");
            }
        }
        else if (capacity >= demand)
        {
            Sufficient(capacity, demand);
        }
        else
        {
            Short(capacity, demand);
        }

        if (Config.HotSpare && Config.Mode == RedundancyMode.Failover && Rail == RailState.Good)
        {
            BalanceHotSpare();
        }

        Distribute();
        UpdateGroup();
        _lastDelivering = [.. Supplies.Where(s => s.Delivering)];
        var sample = new PowerSample(Now, LoadWatts, CapacityWatts, Rail);
        if (_samples.Count == 0 || _samples[^1] != sample)
        {
            // A long-running server keeps only the recent past, so memory stays bounded.
            if (_samples.Count >= MaxSamples)
            {
                _samples.RemoveRange(0, MaxSamples / 2);
            }

            _samples.Add(sample);
        }
    }

    /// <summary>Capacity covers demand: release a cap, and bring the rail back to Good.</summary>
    private void Sufficient(double capacity, double demand)
    {
        _powerOnRefused = false;
        if (_capped)
        {
            _capped = false;
            Log(EventTypes.PowerCapReleased, null, $"capacity {capacity:0} W covers the load of {demand:0} W again");
        }

        _holdupToken++;
        if (Rail == RailState.Off)
        {
            Log(EventTypes.ChassisPoweredOn, null, $"power is back: {capacity:0} W for {demand:0} W");
            StartSpinUp();
        }

        if (Rail != RailState.Good)
        {
            SetRail(RailState.Good);
        }
    }

    /// <summary>Capacity is short: a failover standby wakes, capping limits the load, or hold-up starts running out.</summary>
    private void Short(double capacity, double demand)
    {
        // Passive redundancy: a failover group wakes a standby as soon as capacity falls short.
        var standby = Supplies.FirstOrDefault(s => s.State == SupplyState.StandbySpare && s.InputNormal);
        if (Config.Mode == RedundancyMode.Failover && standby != null && !_promotionPending)
        {
            WakeLater(standby, $"standby {standby.Id} took over after {standby.WakeMs} ms", automatic: true);
        }

        bool canCap = Config.Capping && capacity > 0 && Rail != RailState.Off;
        if (canCap && !_capped && !_capPending && Config.CappingCorrectionMs > 0)
        {
            // The limit takes effect only after its correction time; hold-up must last that long.
            _capPending = true;
            Schedule(Config.CappingCorrectionMs, () =>
            {
                _capPending = false;
                if (CapacityWatts < DemandWatts && CapacityWatts > 0 && Rail != RailState.Off)
                {
                    _capped = true;
                    Log(EventTypes.PowerCapped, null, $"load capped from {DemandWatts:0} W to {CapacityWatts:0} W after {Config.CappingCorrectionMs} ms");
                }
            });
        }

        if (canCap && (_capped || Config.CappingCorrectionMs <= 0))
        {
            if (!_capped)
            {
                _capped = true;
                Log(EventTypes.PowerCapped, null, $"load capped from {demand:0} W to {capacity:0} W");
            }

            if (Rail == RailState.Warning)
            {
                SetRail(RailState.Good);
            }
        }
        else if (Rail == RailState.Good)
        {
            SetRail(RailState.Warning);
            // Outputs stay valid as long as the longest hold-up among the supplies that were delivering.
            double holdupMs = _lastDelivering.Count > 0 ? _lastDelivering.Max(s => s.HoldupMs) : Config.HoldupMs;
            long token = ++_holdupToken;
            Schedule(holdupMs, () =>
            {
                if (token == _holdupToken && CapacityWatts < DemandWatts && !_capped)
                {
                    _spinUpUntil = DateTimeOffset.MinValue;
                    Log(EventTypes.ChassisPoweredOff, null,
                        $"capacity {CapacityWatts:0} W below the load of {DemandWatts:0} W for longer than the {holdupMs} ms hold-up");
                    SetRail(RailState.Off);
                }
            });
        }
    }

    private void SetRail(RailState to)
    {
        var from = Rail;
        Rail = to;
        _outbox.Add(() => RailChanged?.Invoke(from, to));
    }

    /// <summary>Active supplies share the load equally (a current-share bus keeps them within ±10 %).</summary>
    private void Distribute()
    {
        var delivering = Supplies.Where(s => s.Delivering).ToList();
        foreach (var supply in Supplies)
        {
            supply.OutputWatts = supply.Delivering && delivering.Count > 0 ? LoadWatts / delivering.Count : 0;
        }
    }

    private void UpdateGroup()
    {
        var group = GroupAssessment.Of(Supplies, Config, DemandWatts, CapacityWatts);
        if (group.Status == _group)
        {
            return;
        }

        var from = _group;
        _group = group.Status;
        var (type, offset, details) = group.Event(from, CapacityWatts, DemandWatts);
        Log(type, null, details, offset);
    }

    private void BalanceHotSpare()
    {
        var move = _hotSpare.Decide(Now, Supplies, DemandWatts, Config.CapacityWatts, _promotionPending);
        if (move.LookAgainIn is { } wait)
        {
            Schedule(wait.TotalMilliseconds, _hotSpare.LookedAgain);
        }
        else if (move.Wake is { } standby)
        {
            Log(EventTypes.StandbyWaking, standby.Id, $"load {DemandWatts:0} W is above 50 % of the active capacity");
            WakeLater(standby, "now sharing the load", automatic: true);
        }
        else if (move.Sleep is { } idle)
        {
            idle.State = SupplyState.StandbySpare;
            Log(EventTypes.StandbySleeping, idle.Id, $"load {DemandWatts:0} W is below 20 % of one unit; back to standby");
        }
    }

    /// <summary>A standby delivers after its wake time (if it is still a standby then); an automatic wake blocks another until it is done.</summary>
    private void WakeLater(PowerSupply standby, string details, bool automatic)
    {
        _promotionPending |= automatic;
        Schedule(standby.WakeMs, () =>
        {
            if (automatic)
            {
                _promotionPending = false;
            }

            if (standby.State == SupplyState.StandbySpare)
            {
                standby.State = SupplyState.Enabled;
                Log(EventTypes.StandbyPromoted, standby.Id, details);
            }
        });
    }

    /// <summary>Disks spin up when power returns: they draw their surge until it is over (played lazily, see <see cref="Advance"/>).</summary>
    private void StartSpinUp()
    {
        if (Disks == 0)
        {
            return;
        }

        _spinUpUntil = Now + TimeSpan.FromMilliseconds(Config.SpinUpMs);
        Log(EventTypes.DisksSpinningUp, null, $"{Disks} disks draw {Config.DiskSpinUpWatts:0} W each for {Config.SpinUpMs / 1000:0.#} s");
        Schedule(Config.SpinUpMs, () => { }, lazy: true);
    }

    private void RestoreInput(PowerSupply supply)
    {
        supply.InputNormal = true;
        Log(EventTypes.LineInputPowerRestored, supply.Id, "input restored");
    }

    /// <summary>A supply that becomes available joins as a standby in failover/sparing groups that already have power.</summary>
    private SupplyState ReadyState() =>
        Config.Mode is RedundancyMode.Failover or RedundancyMode.Sparing && Supplies.Any(s => s.Delivering)
            ? SupplyState.StandbySpare
            : SupplyState.Enabled;

    /// <summary>Queues a log entry, named by <see cref="PowerEvents"/>; it goes out once the instant has settled.</summary>
    private void Log(string type, string? supply, string details, string? ipmiOffset = null, bool ipmi = true)
    {
        var code = PowerEvents.Of(type);
        var entry = new ArrayEvent(Now, _array, type, null, supply == null ? details : $"supply {supply}: {details}", _eventCount())
        {
            Supply = supply,
            Redfish = code.Redfish,
            Ipmi = ipmi ? code.Ipmi(ipmiOffset) : null,
        };
        _outbox.Add(() => _sink.Append(entry));
    }
}
