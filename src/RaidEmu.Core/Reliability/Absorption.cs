namespace RaidEmu.Core.Reliability;

/// <summary>
/// Expected reward until absorption in a chain given by step probabilities, solved by state reduction in the
/// manner of Grassmann, Taksar and Heyman (1985): every quantity is formed by adding non-negative terms, never
/// by subtracting, so an exit probability of 1e-12 next to a repair probability near 1 is not lost to rounding
/// (plain Gaussian elimination on such a chain returns a mean time to data loss off by orders of magnitude).
/// </summary>
internal static class Absorption
{
    /// <summary>
    /// Solves τ_i = reward_i + Σ_j p_ij τ_j, where each row's probabilities to other states, its self-loop
    /// probability (implied), and its <paramref name="exits"/> probability (absorption) sum to one.
    /// </summary>
    /// <param name="p">Transition probabilities between states; the diagonal is ignored (self-loops are folded in).</param>
    /// <param name="exits">Probability of absorption from each state.</param>
    /// <param name="rewards">Reward collected per visit to each state (expected sojourn time).</param>
    public static double[] ExpectedReward(double[,] p, double[] exits, double[] rewards)
    {
        int n = exits.Length;
        var r = (double[,])p.Clone();
        var e = (double[])exits.Clone();
        var b = (double[])rewards.Clone();
        var leave = new double[n];
        for (int k = n - 1; k >= 0; k--)
        {
            // The probability of leaving k for somewhere else, as a sum (1 - p_kk would cancel).
            double d = e[k];
            for (int j = 0; j < k; j++)
            {
                d += r[k, j];
            }

            if (!(d > 0))
            {
                throw new ArgumentException("the chain has a state from which loss is never reached");
            }

            leave[k] = d;
            for (int i = 0; i < k; i++)
            {
                double f = r[i, k] / d;
                if (f == 0)
                {
                    continue;
                }

                for (int j = 0; j < k; j++)
                {
                    if (j != i)
                    {
                        r[i, j] += f * r[k, j];
                    }
                }

                e[i] += f * e[k];
                b[i] += f * b[k];
            }
        }

        // Back substitution: with self-loops folded, τ_k = (b_k + Σ_{j<k} r_kj τ_j) / leave_k.
        var tau = new double[n];
        for (int k = 0; k < n; k++)
        {
            double sum = b[k];
            for (int j = 0; j < k; j++)
            {
                sum += r[k, j] * tau[j];
            }

            tau[k] = sum / leave[k];
        }

        return tau;
    }
}
