namespace RaidEmu.Core.Reliability;

/// <summary>
/// A redundant system as a chain over structural states: 0 is "all units working", higher states have units
/// waiting for or under repair. Failures move up (or to <see cref="ChainTransition.Loss"/>); one repair at a
/// time moves a state <c>s</c> down to <c>s - 1</c>. A repair that completes in a <see cref="Critical"/> state
/// read data that had no redundancy left, so it succeeds only with <see cref="RepairSuccessProbability"/>
/// (unrecoverable read errors) and otherwise loses data.
/// </summary>
public sealed class ReliabilityChain
{
    private readonly ChainTransition[][] _failures;
    private readonly bool[] _critical;

    /// <summary>Creates a chain.</summary>
    /// <param name="failures">For each state, its failure transitions.</param>
    /// <param name="critical">For each state, whether a repair completing there reads without redundancy.</param>
    /// <param name="repairHours">Mean repair time, or null for no repair.</param>
    /// <param name="rebuild">The repair time's distribution.</param>
    /// <param name="repairSuccessProbability">Probability that a critical repair reads everything it needs.</param>
    public ReliabilityChain(IReadOnlyList<IReadOnlyList<ChainTransition>> failures, IReadOnlyList<bool> critical, double? repairHours, RebuildModel rebuild, double repairSuccessProbability)
    {
        ArgumentNullException.ThrowIfNull(failures);
        ArgumentNullException.ThrowIfNull(critical);
        if (failures.Count == 0 || critical.Count != failures.Count)
        {
            throw new ArgumentException("a chain needs at least one state, and a critical flag for each");
        }

        if (repairHours is { } hours)
        {
            Require.Positive(hours, "repair time");
        }

        Require.Probability(repairSuccessProbability, "rebuild success probability");
        _failures = [.. failures.Select(f => f.ToArray())];
        _critical = [.. critical];
        foreach (var t in _failures.SelectMany(f => f))
        {
            Require.Positive(t.Rate, "failure rate");
            if (t.Target != ChainTransition.Loss && (t.Target < 1 || t.Target >= _failures.Length))
            {
                throw new ArgumentException($"a failure leads to state {t.Target}, which the chain does not have");
            }
        }

        RepairHours = repairHours;
        Rebuild = rebuild;
        RepairSuccessProbability = repairSuccessProbability;
    }

    /// <summary>Number of structural states (without the loss state).</summary>
    public int States => _failures.Length;

    /// <summary>Mean repair time in hours; null when nothing is repaired.</summary>
    public double? RepairHours { get; }

    /// <summary>The repair time's distribution.</summary>
    public RebuildModel Rebuild { get; }

    /// <summary>Probability that a repair completing in a critical state succeeds.</summary>
    public double RepairSuccessProbability { get; }

    /// <summary>The failure transitions out of <paramref name="state"/>.</summary>
    public IReadOnlyList<ChainTransition> Failures(int state) => _failures[state];

    /// <summary>Whether a repair completing in <paramref name="state"/> reads data with no redundancy left.</summary>
    public bool Critical(int state) => _critical[state];

    /// <summary>Probability that a repair completing in <paramref name="state"/> succeeds.</summary>
    public double RepairSuccess(int state) => _critical[state] ? RepairSuccessProbability : 1;

    /// <summary>Probability that a repair completing in <paramref name="state"/> fails, computed directly so a tiny value keeps its digits.</summary>
    public double RepairFailure(int state) => _critical[state] ? 1 - RepairSuccessProbability : 0;

    /// <summary>Total failure rate out of <paramref name="state"/>.</summary>
    public double FailureRate(int state) => _failures[state].Sum(t => t.Rate);
}
