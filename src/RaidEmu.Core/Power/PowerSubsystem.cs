using RaidEmu.Core.Events;

namespace RaidEmu.Core.Power;

/// <summary>
/// Redundant power supplies feeding one array, simulated event by event on their own timeline: every
/// operation happens at <see cref="Now"/>, and what follows from it (a standby waking, hold-up running
/// out, an outage ending) is scheduled and played in order until nothing is pending. The result is the
/// rail state the array sees, and Redfish/IPMI-named events for every transition.
/// </summary>
public sealed partial class PowerSubsystem
{
    private readonly List<(DateTimeOffset Due, long Seq, string What, Action Act, bool Lazy)> _queue = [];
    private List<PowerSupply> _lastDelivering = [];
    private const int MaxTimeline = 10_000;
    private readonly IEventSink _sink;
    private readonly TimeProvider _clock;
    private readonly Guid _array;
    private readonly Func<ulong> _eventCount;
    private readonly List<PowerSample> _timeline = [];
    private long _seq;
    private long _holdupToken;
    private bool _capped;
    private bool _promotionPending;
    private DateTimeOffset _spinUpUntil = DateTimeOffset.MinValue;
    private bool _powerOnRefused;
    private bool _capPending;
    private bool _hysteresisPending;
    private DateTimeOffset _lastSpareChange = DateTimeOffset.MinValue;
    private GroupStatus? _group;

    /// <summary>
    /// Creates the subsystem for an array of <paramref name="disks"/> members. Operations happen at
    /// <paramref name="clock"/>'s present; their consequences are played on the model's own timeline, which
    /// waits for the real clock only when <paramref name="clock"/> is the system's (a fake clock makes tests instant).
    /// </summary>
    public PowerSubsystem(PowerConfig config, int disks, Guid array, IEventSink sink, Func<ulong> eventCount, TimeProvider clock, IReadOnlyList<SupplySnapshot>? supplies = null, RailState rail = RailState.Good)
    {
        ArgumentNullException.ThrowIfNull(config);
        Validate(config);
        Config = config;
        Disks = disks;
        _array = array;
        _sink = sink;
        _eventCount = eventCount;
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
        Now = clock.GetUtcNow();
        if (clock == TimeProvider.System)
        {
            WaitUntil = due =>
            {
                var wait = due - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    Thread.Sleep(wait);
                }
            };
        }
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

        Evaluate(quiet: true);
    }

    /// <summary>Raised when the rail changes: the serving process tears writes on Off and restarts the array on Good.</summary>
    public event Action<RailState, RailState>? RailChanged;

    /// <summary>The configuration.</summary>
    public PowerConfig Config { get; private set; }

    /// <summary>
    /// Called with each scheduled time before it is played, so a real array lives through the same
    /// milliseconds (a standby that takes 2 s keeps the power off for 2 s). Set for the system clock only.
    /// </summary>
    private Action<DateTimeOffset>? WaitUntil { get; }

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

    private double DiskWatts => SpinningUp ? Config.DiskSpinUpWatts : DisksActive ? Config.DiskActiveWatts : Config.DiskWatts;

    /// <summary>Brings the simulated present up to the real one before an operation, playing what fell due meanwhile.</summary>
    private void CatchUp()
    {
        var wall = _clock.GetUtcNow();
        if (wall > Now)
        {
            Advance(wall - Now);
        }
    }

    /// <summary>The serving process reports whether the member disks are doing I/O (they draw more then).</summary>
    public void SetDiskActivity(bool active)
    {
        CatchUp();
        if (active != DisksActive)
        {
            DisksActive = active;
            Evaluate(quiet: false);
            Settle();
        }
    }

    /// <summary>What it gets: the demand, or the capacity when capped.</summary>
    public double LoadWatts => Rail == RailState.Off ? 0 : Math.Min(DemandWatts, _capped ? CapacityWatts : DemandWatts);

    /// <summary>What the delivering supplies can give.</summary>
    public double CapacityWatts => Supplies.Where(s => s.Delivering).Sum(s => s.CapacityWatts);

    /// <summary>True while the load is limited to the capacity left.</summary>
    public bool Capped => _capped;

    /// <summary>The group status.</summary>
    public GroupStatus GroupStatus => _group ?? GroupStatus.FullyRedundant;

    /// <summary>Load, capacity and rail at every change, for the timeline picture.</summary>
    public IReadOnlyList<PowerSample> Timeline => _timeline;

    /// <summary>What to save in the array folder.</summary>
    public PowerSnapshot Snapshot() =>
        new(Config, [.. Supplies.Select(s => new SupplySnapshot(s.Id, s.State, s.InputNormal, s.CapacityWatts == Config.CapacityWatts ? null : s.CapacityWatts, s.PredictedFailure))], Rail);


    /// <summary>Moves simulated time on by <paramref name="time"/>, playing whatever falls due.</summary>
    public void Advance(TimeSpan time)
    {
        var until = Now + time;
        while (_queue.Count > 0 && _queue.Min(q => q.Due) <= until)
        {
            Step();
        }

        Now = until;
    }

    /// <summary>Plays every scheduled consequence in time order until nothing is pending.</summary>
    public void Settle()
    {
        // Lazy items (the end of a spin-up surge) are played when time reaches them, not waited for.
        while (_queue.Any(q => !q.Lazy))
        {
            Step();
        }
    }

    private static void Validate(PowerConfig c)
    {
        string? problem =
            c.Supplies is < 1 or > 26 ? "--supplies must be 1 to 26"
            : c.CapacityWatts <= 0 ? "--capacity must be more than 0 W"
            : c.MinNeeded < 1 || c.MinNeeded > c.Supplies ? $"--min-needed must be 1 to {c.Supplies}"
            : c.HoldupMs < 0 || c.WakeMs < 0 ? "--holdup-ms and --wake-ms must not be negative"
            : c.Feeds < 1 || c.Feeds > c.Supplies ? $"--feeds must be 1 to {c.Supplies}"
            : c.BaseLoadWatts < 0 ? "--base-load must not be negative"
            : c.Mode is RedundancyMode.Failover or RedundancyMode.Sparing && c.Supplies < 2 ? "failover and sparing need at least 2 supplies"
            : null;
        if (problem != null)
        {
            throw new ArgumentException(problem);
        }
    }

    private void Step()
    {
        var next = _queue.OrderBy(q => q.Due).ThenBy(q => q.Seq).First();
        WaitUntil?.Invoke(next.Due);
        _queue.Remove(next);
        Now = next.Due;
        next.Act();
        Evaluate(quiet: false);
    }

    private void Schedule(double ms, string what, Action act) =>
        _queue.Add((Now + TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond)), _seq++, what, act, false));

    private void ScheduleLazy(double ms, string what, Action act) =>
        _queue.Add((Now + TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond)), _seq++, what, act, true));

    /// <summary>Recomputes capacity against demand, the group status and the rail, and schedules what follows.</summary>
    private void Evaluate(bool quiet)
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
                Log("PowerOnRefused", null, null, null, $"{capacity:0} W cannot carry the spin-up surge of {surge:0} W", quiet);
            }
        }
        else if (capacity >= demand)
        {
            _powerOnRefused = false;
            if (_capped)
            {
                _capped = false;
                Log("PowerCapReleased", null, null, null, $"capacity {capacity:0} W covers the load of {demand:0} W again", quiet);
            }

            _holdupToken++;
            if (Rail != RailState.Good)
            {
                var was = Rail;
                Rail = RailState.Good;
                if (was == RailState.Off)
                {
                    Log("ChassisPoweredOn", "Power.1.2.ChassisPoweredOn", null, null, $"power is back: {capacity:0} W for {demand:0} W", quiet);
                    StartSpinUp(quiet);
                }

                RailChanged?.Invoke(was, RailState.Good);
            }
        }
        else
        {
            // Passive redundancy: a failover group wakes a standby as soon as capacity falls short.
            var standby = Supplies.FirstOrDefault(s => s.State == SupplyState.StandbySpare && s.InputNormal);
            if (Config.Mode == RedundancyMode.Failover && standby != null && !_promotionPending)
            {
                _promotionPending = true;
                Schedule(standby.WakeMs, $"wake {standby.Id}", () =>
                {
                    _promotionPending = false;
                    if (standby.State == SupplyState.StandbySpare)
                    {
                        standby.State = SupplyState.Enabled;
                        Log("StandbyPromoted", "ResourceEvent.1.4.ResourceStateChanged", "08h/07 deasserted", standby.Id, $"standby {standby.Id} took over after {standby.WakeMs} ms", false);
                    }
                });
            }

            bool canCap = Config.Capping && capacity > 0 && Rail != RailState.Off;
            if (canCap && !_capped && !_capPending && Config.CappingCorrectionMs > 0)
            {
                // The limit takes effect only after its correction time; hold-up must last that long.
                _capPending = true;
                Schedule(Config.CappingCorrectionMs, "capping takes effect", () =>
                {
                    _capPending = false;
                    if (CapacityWatts < DemandWatts && CapacityWatts > 0 && Rail != RailState.Off)
                    {
                        _capped = true;
                        Log("PowerCapped", "Platform.1.3.PowerBrake", null, null, $"load capped from {DemandWatts:0} W to {CapacityWatts:0} W after {Config.CappingCorrectionMs} ms", false);
                    }
                });
            }

            if (canCap && (_capped || Config.CappingCorrectionMs <= 0))
            {
                if (!_capped)
                {
                    _capped = true;
                    Log("PowerCapped", "Platform.1.3.PowerBrake", null, null, $"load capped from {demand:0} W to {capacity:0} W", quiet);
                }

                if (Rail == RailState.Warning)
                {
                    Rail = RailState.Good;
                    RailChanged?.Invoke(RailState.Warning, RailState.Good);
                }
            }
            else if (Rail == RailState.Good)
            {
                Rail = RailState.Warning;
                RailChanged?.Invoke(RailState.Good, RailState.Warning);
                // Outputs stay valid as long as the longest hold-up among the supplies that were delivering.
                double holdupMs = _lastDelivering.Count > 0 ? _lastDelivering.Max(s => s.HoldupMs) : Config.HoldupMs;
                long token = ++_holdupToken;
                Schedule(holdupMs, "hold-up ends", () =>
                {
                    if (token == _holdupToken && CapacityWatts < DemandWatts && !_capped)
                    {
                        Rail = RailState.Off;
                        _spinUpUntil = DateTimeOffset.MinValue;
                        Log("ChassisPoweredOff", "Power.1.2.ChassisPoweredOff", "09h/04", null,
                            $"capacity {CapacityWatts:0} W below the load of {DemandWatts:0} W for longer than the {holdupMs} ms hold-up", false);
                        RailChanged?.Invoke(RailState.Warning, RailState.Off);
                    }
                });
            }
        }

        if (Config.HotSpare && Config.Mode == RedundancyMode.Failover && Rail == RailState.Good)
        {
            BalanceHotSpare();
        }

        Distribute();
        UpdateGroup(quiet);
        _lastDelivering = [.. Supplies.Where(s => s.Delivering)];
        var sample = new PowerSample(Now, LoadWatts, CapacityWatts, Rail);
        if (_timeline.Count == 0 || _timeline[^1] != sample)
        {
            // A long-running server keeps only the recent past, so memory stays bounded.
            if (_timeline.Count >= MaxTimeline)
            {
                _timeline.RemoveRange(0, MaxTimeline / 2);
            }

            _timeline.Add(sample);
        }
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

    private void UpdateGroup(bool quiet)
    {
        int working = Supplies.Count(s => s.Working);
        int installed = Supplies.Count(s => s.Installed);
        int required = Math.Max(Config.MinNeeded, (int)Math.Ceiling(DemandWatts / Config.CapacityWatts));
        // A failover group's standby is about to cover a shortfall; any other shortfall is insufficient power.
        bool shortfall = CapacityWatts < DemandWatts && !(Config.Mode == RedundancyMode.Failover && HasStandby());
        var status = working < required || working == 0 || shortfall ? GroupStatus.Insufficient
            : working <= required ? GroupStatus.NonRedundantSufficient
            : working == installed ? GroupStatus.FullyRedundant
            : GroupStatus.Degraded;
        if (status == _group)
        {
            return;
        }

        var from = _group;
        _group = status;
        if (from == null && quiet)
        {
            return;
        }

        string counts = $"{working} working, {required} required, {installed} installed";
        switch (status)
        {
            case GroupStatus.FullyRedundant:
                Log("PowerSupplyGroupNormal", "Power.1.2.PowerSupplyGroupNormal", "0Bh/00", null, $"fully redundant ({counts})", quiet);
                break;
            case GroupStatus.Degraded:
                Log("PowerSupplyGroupWarning", "Power.1.2.PowerSupplyGroupWarning", from == GroupStatus.FullyRedundant ? "0Bh/02+06" : "0Bh/02+07", null, $"redundancy degraded ({counts})", quiet);
                break;
            case GroupStatus.NonRedundantSufficient:
                Log("PowerSupplyGroupWarning", "Power.1.2.PowerSupplyGroupWarning", from == GroupStatus.Insufficient ? "0Bh/04" : "0Bh/01+03", null, $"redundancy lost, power sufficient ({counts})", quiet);
                break;
            default:
                Log("PowerSupplyGroupCritical", "Power.1.2.PowerSupplyGroupCritical", "0Bh/05", null, $"insufficient ({counts}, {CapacityWatts:0} W for {DemandWatts:0} W)", quiet);
                break;
        }
    }

    /// <summary>Wakes a standby above 50 % of the active capacity and puts one back to sleep below 20 % of a unit, at most once a second.</summary>
    private void BalanceHotSpare()
    {
        var active = Supplies.Where(s => s.Delivering).ToList();
        var standby = Supplies.FirstOrDefault(s => s.State == SupplyState.StandbySpare && s.InputNormal);
        bool wake = standby != null && !_promotionPending && DemandWatts > 0.5 * active.Sum(s => s.CapacityWatts);
        bool sleep = active.Count >= 2 && DemandWatts < 0.2 * Config.CapacityWatts;
        if (!wake && !sleep)
        {
            return;
        }

        var since = Now - _lastSpareChange;
        if (since < TimeSpan.FromSeconds(1))
        {
            // Hysteresis: look again once a second has passed since the last change, never flap faster.
            if (!_hysteresisPending)
            {
                _hysteresisPending = true;
                Schedule((TimeSpan.FromSeconds(1) - since).TotalMilliseconds, "hot-spare hysteresis", () => _hysteresisPending = false);
            }

            return;
        }

        _lastSpareChange = Now;
        if (wake)
        {
            _promotionPending = true;
            Log("StandbyWaking", null, null, standby!.Id, $"load {DemandWatts:0} W is above 50 % of the active capacity", false);
            Schedule(standby.WakeMs, $"wake {standby.Id}", () =>
            {
                _promotionPending = false;
                standby.State = SupplyState.Enabled;
                Log("StandbyPromoted", "ResourceEvent.1.4.ResourceStateChanged", "08h/07 deasserted", standby.Id, "now sharing the load", false);
            });
        }
        else
        {
            var idle = active[^1];
            idle.State = SupplyState.StandbySpare;
            Log("StandbySleeping", "ResourceEvent.1.4.ResourceStateChanged", "08h/07", idle.Id, $"load {DemandWatts:0} W is below 20 % of one unit; back to standby", false);
        }
    }

    /// <summary>Disks spin up when power returns: they draw their surge until it is over (played lazily, see <see cref="Advance"/>).</summary>
    private void StartSpinUp(bool quiet)
    {
        if (Disks == 0)
        {
            return;
        }

        _spinUpUntil = Now + TimeSpan.FromMilliseconds(Config.SpinUpMs);
        Log("DisksSpinningUp", null, null, null, $"{Disks} disks draw {Config.DiskSpinUpWatts:0} W each for {Config.SpinUpMs / 1000:0.#} s", quiet);
        ScheduleLazy(Config.SpinUpMs, "spin-up ends", () => { });
    }

    private bool HasStandby() => Supplies.Any(s => s.State == SupplyState.StandbySpare && s.InputNormal);

    private void Log(string type, string? redfish, string? ipmi, string? supply, string details, bool quiet)
    {
        if (quiet)
        {
            return;
        }

        _sink.Append(new ArrayEvent(Now, _array, type, null, supply == null ? details : $"supply {supply}: {details}", _eventCount())
        {
            Supply = supply,
            Redfish = redfish,
            Ipmi = ipmi,
        });
    }
}
