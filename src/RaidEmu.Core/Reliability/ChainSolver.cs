namespace RaidEmu.Core.Reliability;

/// <summary>
/// Solves a <see cref="ReliabilityChain"/> exactly: the mean time to loss, and the probability of a loss
/// within a mission time. An exponential repair time makes a continuous-time Markov chain; a fixed repair
/// time makes a semi-Markov process, solved from one repair's start to the next (see <see cref="MeanTimeToLoss"/>).
/// </summary>
public static class ChainSolver
{
    /// <summary>
    /// Phases of the Erlang distribution that stands in for a fixed repair time in <see cref="LossProbability"/>.
    /// An Erlang-k repair's second moment is (1 + 1/k) times the fixed one's, so the loss probability of an
    /// array that loses data only by two failures within one repair is off by about 1/k; solving at k and k/2
    /// and extrapolating (Richardson: 2·P(k) − P(k/2)) cancels that term.
    /// </summary>
    public const int FixedRepairPhases = 64;

    /// <summary>Mean time (hours) from all units working to the first loss.</summary>
    public static double MeanTimeToLoss(ReliabilityChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return chain.RepairHours is { } hours && chain.Rebuild == RebuildModel.Fixed && chain.States > 1
            ? FixedRepair(chain, hours)
            : MarkovMeanTime(Generator(chain, 1));
    }

    /// <summary>The mean time to loss with each repair as <paramref name="phases"/> exponential phases: a cross-check of the fixed-repair solution.</summary>
    internal static double PhasedMeanTime(ReliabilityChain chain, int phases) => MarkovMeanTime(Generator(chain, phases));

    /// <summary>Probability that the first loss comes within <paramref name="hours"/>.</summary>
    public static double LossProbability(ReliabilityChain chain, double hours)
    {
        ArgumentNullException.ThrowIfNull(chain);
        Require.Positive(hours, "mission time");
        if (chain.RepairHours == null || chain.Rebuild == RebuildModel.Exponential || chain.States == 1)
        {
            return PhasedLossProbability(chain, hours, 1);
        }

        double fine = PhasedLossProbability(chain, hours, FixedRepairPhases);
        double coarse = PhasedLossProbability(chain, hours, FixedRepairPhases / 2);
        return Math.Clamp((2 * fine) - coarse, 0, 1);
    }

    /// <summary>
    /// Expected fraction of the usable data lost within <paramref name="hours"/>, every loss counted (the system
    /// restored after a loss of whole units): the NOMDL measure of Greenan, Plank and Wylie (2010) divided by
    /// the usable bytes. It is ∫₀ᵀ p(u) du · r, p the state probabilities and r each state's rate of lost data,
    /// read from one exponential of [[Q, I], [0, 0]] (Van Loan, 1978).
    /// </summary>
    public static double ExpectedLostFraction(ReliabilityChain chain, double hours, LostData losses)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(losses);
        Require.Positive(hours, "mission time");
        if (chain.RepairHours == null || chain.Rebuild == RebuildModel.Exponential || chain.States == 1)
        {
            return PhasedLostFraction(chain, hours, losses, 1);
        }

        return Math.Max(0, (2 * PhasedLostFraction(chain, hours, losses, FixedRepairPhases)) - PhasedLostFraction(chain, hours, losses, FixedRepairPhases / 2));
    }

    private static double PhasedLostFraction(ReliabilityChain chain, double hours, LostData losses, int phases)
    {
        int size = 2 + ((chain.States - 1) * phases);
        var rates = new double[size];
        var q = Generator(chain, phases, losses, rates);
        var block = new double[2 * size, 2 * size];
        for (int i = 0; i < size; i++)
        {
            for (int j = 0; j < size; j++)
            {
                block[i, j] = q[i, j];
            }

            block[i, size + i] = 1;
        }

        var exp = Matrix.Exp(block, hours);
        double lost = 0;
        for (int j = 0; j < size; j++)
        {
            lost += exp[0, size + j] * rates[j];
        }

        return lost;
    }

    /// <summary>The loss probability with each repair as <paramref name="phases"/> exponential phases.</summary>
    internal static double PhasedLossProbability(ReliabilityChain chain, double hours, int phases)
    {
        var q = Generator(chain, phases);
        int n = q.GetLength(0);
        return Math.Clamp(Matrix.Exp(q, hours)[0, n - 1], 0, 1);
    }

    /// <summary>
    /// The generator of the chain with each repair split into <paramref name="phases"/> exponential phases
    /// (one phase: an exponential repair; many: nearly a fixed one). State 0 has no repair running; state
    /// (s, j) has s units down and the running repair in phase j. The last row and column are the loss state.
    /// </summary>
    /// <param name="chain">The chain.</param>
    /// <param name="phases">Exponential phases per repair.</param>
    /// <param name="losses">
    /// When given, the mission goes on after a loss, as the Monte Carlo's does: a loss of whole units restores
    /// the system to state 0, a failed critical repair still completes. Each state's rate of lost data is
    /// added to it: the loss rates times <see cref="LostData.Whole"/> or <see cref="LostData.Sector"/>.
    /// </param>
    /// <param name="lostRate">Receives the rates of lost data, when <paramref name="losses"/> is given.</param>
    internal static double[,] Generator(ReliabilityChain chain, int phases, LostData? losses = null, double[]? lostRate = null)
    {
        int states = 1 + ((chain.States - 1) * phases);
        int loss = states;
        var q = new double[states + 1, states + 1];
        int Index(int s, int phase) => s == 0 ? 0 : 1 + ((s - 1) * phases) + phase;

        for (int s = 0; s < chain.States; s++)
        {
            for (int j = 0; j < (s == 0 ? 1 : phases); j++)
            {
                int from = Index(s, j);
                foreach (var t in chain.Failures(s))
                {
                    // A failure does not disturb the repair under way: it joins the queue.
                    int to = t.Target == ChainTransition.Loss ? losses != null ? 0 : loss : Index(t.Target, s == 0 ? 0 : j);
                    q[from, to] += from == to ? 0 : t.Rate;
                    if (t.Target == ChainTransition.Loss && losses != null)
                    {
                        lostRate![from] += t.Rate * losses.Whole;
                    }
                }

                if (s > 0 && chain.RepairHours is { } hours)
                {
                    double rate = phases / hours;
                    if (j < phases - 1)
                    {
                        q[from, Index(s, j + 1)] += rate;
                    }
                    else
                    {
                        q[from, Index(s - 1, 0)] += rate * (losses != null ? 1 : chain.RepairSuccess(s));
                        if (losses != null)
                        {
                            lostRate![from] += rate * chain.RepairFailure(s) * losses.Sector;
                        }
                        else
                        {
                            q[from, loss] += rate * chain.RepairFailure(s);
                        }
                    }
                }
            }
        }

        for (int i = 0; i <= states; i++)
        {
            double sum = 0;
            for (int j = 0; j <= states; j++)
            {
                sum += j == i ? 0 : q[i, j];
            }

            q[i, i] = -sum;
        }

        return q;
    }

    /// <summary>Mean time to absorption from state 0 of a generator whose last state absorbs.</summary>
    private static double MarkovMeanTime(double[,] q)
    {
        int n = q.GetLength(0) - 1;
        var p = new double[n, n];
        var exits = new double[n];
        var rewards = new double[n];
        for (int i = 0; i < n; i++)
        {
            double total = q[i, n];
            for (int j = 0; j < n; j++)
            {
                total += j == i ? 0 : q[i, j];
            }

            if (!(total > 0))
            {
                throw new ArgumentException("the chain has a state it never leaves");
            }

            for (int j = 0; j < n; j++)
            {
                p[i, j] = j == i ? 0 : q[i, j] / total;
            }

            exits[i] = q[i, n] / total;
            rewards[i] = 1 / total;
        }

        return Absorption.ExpectedReward(p, exits, rewards)[0];
    }

    /// <summary>
    /// Fixed repair time T: the process observed at the start of each repair (state s ≥ 1) and on entering
    /// state 0 is a Markov chain. During one repair only failures happen, so where it ends after T is
    /// exp(G·T) for the failure-only generator G, and the time spent before T or a loss is ∫₀ᵀ exp(G·u) du,
    /// both read from one exponential of [[G, I], [0, 0]] (Van Loan, 1978).
    /// </summary>
    private static double FixedRepair(ReliabilityChain chain, double hours)
    {
        int s = chain.States;
        int size = s + 1;
        var block = new double[2 * size, 2 * size];
        for (int i = 1; i < s; i++)
        {
            foreach (var t in chain.Failures(i))
            {
                int to = t.Target == ChainTransition.Loss ? s : t.Target;
                block[i, to] += t.Rate;
                block[i, i] -= t.Rate;
            }
        }

        for (int i = 0; i < size; i++)
        {
            block[i, size + i] = 1;
        }

        var exp = Matrix.Exp(block, hours);

        // Unknowns: 0 = entering state 0; i ≥ 1 = a repair starting with i units down.
        var p = new double[s, s];
        var exits = new double[s];
        var rewards = new double[s];
        double total = chain.FailureRate(0);
        rewards[0] = 1 / total;
        foreach (var t in chain.Failures(0))
        {
            if (t.Target == ChainTransition.Loss)
            {
                exits[0] += t.Rate / total;
            }
            else
            {
                p[0, t.Target] += t.Rate / total;
            }
        }

        for (int i = 1; i < s; i++)
        {
            exits[i] = exp[i, s];
            for (int end = 1; end < s; end++)
            {
                rewards[i] += exp[i, size + end];
                p[i, end - 1] += exp[i, end] * chain.RepairSuccess(end);
                exits[i] += exp[i, end] * chain.RepairFailure(end);
            }
        }

        return Absorption.ExpectedReward(p, exits, rewards)[0];
    }
}
