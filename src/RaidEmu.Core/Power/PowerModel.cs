using RaidEmu.Core.Events;

namespace RaidEmu.Core.Power;

/// <summary>
/// The power model's state and physics, single-threaded: supplies, capacity against demand, hold-up, capping,
/// standby wake-ups, the group status and the rail. It schedules consequences on the <see cref="Timeline"/> and
/// queues its news in the <see cref="Outbox"/>; <see cref="PowerSubsystem"/> locks, plays and delivers.
/// </summary>
internal sealed class PowerModel
{
    private const int MaxSamples = 10_000;
    private readonly Timeline _schedule;
    private readonly Outbox _outbox;
    private readonly Action<RailState, RailState> _railChanged;
    private readonly HotSpareBalancer _hotSpare = new();
    private readonly IEventSink _sink;
    private readonly Guid _array;
    private readonly Func<ulong> _eventCount;
    private readonly List<PowerSample> _samples = [];
    private List<PowerSupply> _lastDelivering = [];
    private long _holdupToken;
    private bool _promotionPending;
    private DateTimeOffset _spinUpUntil = DateTimeOffset.MinValue;
    private bool _powerOnRefused;
    private bool _capPending;
    private GroupStatus? _group;

    public PowerModel(PowerConfig config, int disks, Guid array, IEventSink sink, Func<ulong> eventCount, Timeline schedule, Outbox outbox, Action<RailState, RailState> railChanged)
    {
        Config = config;
        Disks = disks;
        _array = array;
        _sink = sink;
        _eventCount = eventCount;
        _schedule = schedule;
        _outbox = outbox;
        _railChanged = railChanged;
    }

    public PowerConfig Config { get; set; }

    public int Disks { get; }

    public List<PowerSupply> Supplies { get; } = [];

    public DateTimeOffset Now { get; set; }

    public RailState Rail { get; set; }

    public double DemandWatts => Config.BaseLoadWatts + (Disks * DiskWatts);

    public bool DisksActive { get; set; }

    public bool SpinningUp => Now < _spinUpUntil;

    public double LoadWatts => Rail == RailState.Off ? 0 : Math.Min(DemandWatts, Capped ? CapacityWatts : DemandWatts);

    public double CapacityWatts => Supplies.Where(s => s.Delivering).Sum(s => s.CapacityWatts);

    public bool Capped { get; private set; }

    public GroupStatus GroupStatus => _group ?? GroupStatus.FullyRedundant;

    public IReadOnlyList<PowerSample> Samples => _samples;

    private double DiskWatts => SpinningUp ? Config.DiskSpinUpWatts : DisksActive ? Config.DiskActiveWatts : Config.DiskWatts;

    public void Schedule(double ms, Action act, bool lazy = false) =>
        _schedule.Schedule(Now + TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond)), act, lazy);

    /// <summary>Recomputes capacity against demand, the group status and the rail, and schedules what follows.</summary>
    public void Evaluate()
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
        if (Capped)
        {
            Capped = false;
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
        if (canCap && !Capped && !_capPending && Config.CappingCorrectionMs > 0)
        {
            // The limit takes effect only after its correction time; hold-up must last that long.
            _capPending = true;
            Schedule(Config.CappingCorrectionMs, () =>
            {
                _capPending = false;
                if (CapacityWatts < DemandWatts && CapacityWatts > 0 && Rail != RailState.Off)
                {
                    Capped = true;
                    Log(EventTypes.PowerCapped, null, $"load capped from {DemandWatts:0} W to {CapacityWatts:0} W after {Config.CappingCorrectionMs} ms");
                }
            });
        }

        if (canCap && (Capped || Config.CappingCorrectionMs <= 0))
        {
            if (!Capped)
            {
                Capped = true;
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
                if (token == _holdupToken && CapacityWatts < DemandWatts && !Capped)
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
        _outbox.Add(() => _railChanged(from, to));
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
    public void WakeLater(PowerSupply standby, string details, bool automatic)
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

    /// <summary>Disks spin up when power returns: they draw their surge until it is over (played lazily: nobody waits for its end).</summary>
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

    public void RestoreInput(PowerSupply supply)
    {
        supply.InputNormal = true;
        Log(EventTypes.LineInputPowerRestored, supply.Id, "input restored");
    }

    /// <summary>A supply that becomes available joins as a standby in failover/sparing groups that already have power.</summary>
    public SupplyState ReadyState() =>
        Config.Mode is RedundancyMode.Failover or RedundancyMode.Sparing && Supplies.Any(s => s.Delivering)
            ? SupplyState.StandbySpare
            : SupplyState.Enabled;

    /// <summary>Queues a log entry, named by <see cref="PowerEvents"/>; it goes out once the instant has settled.</summary>
    public void Log(string type, string? supply, string details, string? ipmiOffset = null, bool ipmi = true)
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
