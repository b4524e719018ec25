using RaidEmu.Core.Faults;

namespace RaidEmu.Core.Scenarios;

/// <summary>
/// One thing done to the array at a point of the workload: before write number <see cref="AtOp"/> (0-based;
/// equal to the number of writes means after the last one).
/// </summary>
public sealed record ScenarioAction
{
    /// <summary>The action's name as written in the file (fault, clear-faults, fail, remove, add, re-add, rebuild, check, repair, power-cut, restart).</summary>
    public required string Do { get; init; }

    /// <summary>The workload op it fires before.</summary>
    public long AtOp { get; init; }

    /// <summary>The member it concerns (fail, remove, re-add, clear-faults).</summary>
    public int? Disk { get; init; }

    /// <summary>The fault to inject (fault).</summary>
    public Fault? Fault { get; init; }

    /// <summary>
    /// rebuild: sync units run per workload write from now on (recovery interleaved with the workload), or 0 to
    /// run the whole pending sync at this point.
    /// </summary>
    public int UnitsPerOp { get; init; }
}
