namespace RaidEmu.Core.Power;

/// <summary>The power subsystem's configuration; every new array starts with two 800 W supplies sharing.</summary>
public sealed record PowerConfig
{
    /// <summary>Redundancy mode.</summary>
    public RedundancyMode Mode { get; init; } = RedundancyMode.Sharing;

    /// <summary>Number of supplies (A, B, ...).</summary>
    public int Supplies { get; init; } = 2;

    /// <summary>Each supply's capacity.</summary>
    public double CapacityWatts { get; init; } = 800;

    /// <summary>Supplies needed to keep running (Redfish MinNeededInGroup); the load may demand more.</summary>
    public int MinNeeded { get; init; } = 1;

    /// <summary>How long outputs stay valid after capacity falls below load (ATX asks for at least 16 ms; 12 ms at full load is common).</summary>
    public double HoldupMs { get; init; } = 12;

    /// <summary>How long a standby takes to deliver once asked (Intel's cold redundancy: 0.1 ms).</summary>
    public double WakeMs { get; init; } = 0.1;

    /// <summary>Input feeds; supply i is on feed i mod feeds (two feeds: N+N grid redundancy).</summary>
    public int Feeds { get; init; } = 1;

    /// <summary>The system's draw apart from the disks.</summary>
    public double BaseLoadWatts { get; init; } = 300;

    /// <summary>Limit the load to the capacity left instead of losing power when capacity falls below it.</summary>
    public bool Capping { get; init; }

    /// <summary>How long capping takes to bring the load down (Redfish PowerLimit CorrectionInMs); slower than hold-up, it is too late.</summary>
    public double CappingCorrectionMs { get; init; } = 1;

    /// <summary>
    /// Failover groups only: wake a standby to share once the load passes 50 % of the active capacity, and put
    /// it back to sleep below 20 % of one unit, at most one change a second (Dell's "Hot Spare").
    /// </summary>
    public bool HotSpare { get; init; }

    /// <summary>Each member disk's idle draw (a 3.5" drive: 5-9 W).</summary>
    public double DiskWatts { get; init; } = 8;

    /// <summary>Each member disk's draw while it does I/O (8-13 W).</summary>
    public double DiskActiveWatts { get; init; } = 11;

    /// <summary>Each member disk's draw while it spins up at power-on (2.0-2.8 A at 12 V).</summary>
    public double DiskSpinUpWatts { get; init; } = 28;

    /// <summary>How long disks spin up after power returns.</summary>
    public double SpinUpMs { get; init; } = 8000;

    /// <summary>Per-supply hold-up times overriding <see cref="HoldupMs"/> (supply id to ms).</summary>
    public IReadOnlyDictionary<string, double> HoldupOverrides { get; init; } = new Dictionary<string, double>();

    /// <summary>Per-supply standby wake times overriding <see cref="WakeMs"/> (supply id to ms).</summary>
    public IReadOnlyDictionary<string, double> WakeOverrides { get; init; } = new Dictionary<string, double>();
}
