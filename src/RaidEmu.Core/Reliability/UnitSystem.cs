namespace RaidEmu.Core.Reliability;

/// <summary>What the Monte Carlo simulation needs to know about a system of units, disk by disk or supply by supply.</summary>
internal abstract class UnitSystem
{
    protected UnitSystem(int units, int running, Lifetime lifetime, double? repairHours, RebuildModel rebuild, double repairSuccess, double coverage)
    {
        Units = units;
        Running = running;
        Lifetime = lifetime;
        RepairHours = repairHours;
        Rebuild = rebuild;
        RepairSuccess = repairSuccess;
        Coverage = coverage;
    }

    public int Units { get; }

    /// <summary>Units that run at once; the others (when fewer than <see cref="Units"/>) are cold standbys that do not age.</summary>
    public int Running { get; }

    public Lifetime Lifetime { get; }

    public double? RepairHours { get; }

    public RebuildModel Rebuild { get; }

    /// <summary>Probability that a critical repair reads everything.</summary>
    public double RepairSuccess { get; }

    /// <summary>Probability that a standby takes over.</summary>
    public double Coverage { get; }

    /// <summary>Whether the failed units (with <paramref name="failedCount"/> of them) mean a loss.</summary>
    public abstract bool Lost(ReadOnlySpan<bool> failed, int failedCount);

    /// <summary>Whether rebuilding <paramref name="unit"/> now reads data with no redundancy left.</summary>
    public abstract bool Critical(ReadOnlySpan<bool> failed, int failedCount, int unit);

    /// <summary>Fraction of the usable data lost when <see cref="Lost"/> holds.</summary>
    public abstract double LostFraction(ReadOnlySpan<bool> failed, int failedCount);

    /// <summary>Fraction of the usable data a failed critical repair loses (one sector).</summary>
    public abstract double SectorFraction { get; }
}
