using System.Globalization;

namespace RaidEmu.Core.Reliability;

/// <summary>
/// Event-by-event simulation: each running unit draws a lifetime (exponential or Weibull), failed units queue for
/// one repair at a time (exponential or fixed length), cold standbys wait without ageing. Trials are split into
/// fixed blocks seeded from the seed and the block number, so a seed gives the same answer on any number of cores.
/// </summary>
public static class MonteCarlo
{
    /// <summary>Events (failures and repairs) a run may simulate before it is refused as too long (about a minute on one core).</summary>
    public const double EventBudget = 3e8;

    private const int Block = 256;

    /// <summary>Mean time to the first data loss of <paramref name="model"/>.</summary>
    public static MeanEstimate MeanTimeToLoss(DiskArrayModel model, int trials, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        return MeanTimeToLoss(new DiskUnits(model), model.Chain, trials, seed);
    }

    /// <summary>Mean time to losing the rail of <paramref name="model"/>.</summary>
    public static MeanEstimate MeanTimeToLoss(SupplyGroupModel model, int trials, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        return MeanTimeToLoss(new SupplyUnits(model), model.Chain, trials, seed);
    }

    /// <summary>Loss probability and data lost over a mission of <paramref name="hours"/>.</summary>
    public static MissionEstimate Mission(DiskArrayModel model, double hours, int trials, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Mission(new DiskUnits(model), hours, trials, seed);
    }

    /// <summary>Probability of losing the rail within <paramref name="hours"/>.</summary>
    public static MissionEstimate Mission(SupplyGroupModel model, double hours, int trials, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Mission(new SupplyUnits(model), hours, trials, seed);
    }

    private static MeanEstimate MeanTimeToLoss(UnitSystem system, ReliabilityChain chain, int trials, ulong seed)
    {
        RequireTrials(trials);

        // Each trial runs until a loss, so a reliable system needs many events per trial; refuse what would not finish.
        double events = ChainSolver.MeanTimeToLoss(chain) * chain.FailureRate(0) * 2 * trials;
        if (events > EventBudget)
        {
            throw new ArrayRefusedException(string.Create(CultureInfo.InvariantCulture,
                $"Monte Carlo until loss would simulate about {events:0.#e0} failures and repairs (budget {EventBudget:0e0}); use fewer trials, or a mission time to simulate only that"));
        }

        var times = new double[trials];
        Run(system, trials, seed, (trial, simulation) => times[trial] = simulation.Run(double.PositiveInfinity, stopAtLoss: true).FirstLoss);
        return MeanEstimate.From(times);
    }

    private static MissionEstimate Mission(UnitSystem system, double hours, int trials, ulong seed)
    {
        RequireTrials(trials);
        Require.Positive(hours, "mission time");
        var first = new double[trials];
        var lost = new double[trials];
        Run(system, trials, seed ^ 0x6D697373696F6E, (trial, simulation) =>
        {
            var outcome = simulation.Run(hours, stopAtLoss: false);
            first[trial] = outcome.FirstLoss;
            lost[trial] = outcome.LostFraction;
        });
        int losses = first.Count(t => t <= hours);
        var (low, high) = MissionEstimate.Wilson(losses, trials);
        return new MissionEstimate(hours, trials, losses, losses / (double)trials, low, high, MeanEstimate.From(lost));
    }

    private static void Run(UnitSystem system, int trials, ulong seed, Action<int, Simulation> body)
    {
        int blocks = (trials + Block - 1) / Block;
        Parallel.For(0, blocks, b =>
        {
            var simulation = new Simulation(system, Xoshiro.BlockSeed(seed, b));
            for (int trial = b * Block; trial < Math.Min(trials, (b + 1) * Block); trial++)
            {
                body(trial, simulation);
            }
        });
    }

    private static void RequireTrials(int trials)
    {
        if (trials < 2)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Monte Carlo needs at least 2 trials, not {trials}"));
        }
    }
}
