namespace RaidEmu.Core.Reliability;

/// <summary>Exact formulas for the chains small enough to solve by hand; the tests hold the numeric solver to them.</summary>
public static class ClosedForms
{
    /// <summary>
    /// N units that survive one failure, exponential lifetimes (rate λ) and repairs (rate μ), a critical repair
    /// succeeding with probability q: MTTDL = (μ + (2N − 1)λ) / (Nλ((N − 1)λ + (1 − q)μ)). With q = 1 this is
    /// the familiar (μ + (2N − 1)λ) / (N(N − 1)λ²); with μ = 0, 1/(Nλ) + 1/((N − 1)λ).
    /// </summary>
    public static double OneTolerantExponential(int units, double lambda, double mu, double q = 1) =>
        (mu + ((2 * units) - 1) * lambda) / (units * lambda * (((units - 1) * lambda) + ((1 - q) * mu)));

    /// <summary>
    /// The same with a rebuild of fixed length T: each cycle (a first failure, then a rebuild) ends in loss with
    /// probability p = 1 − e^(−(N−1)λT)·q and lasts 1/(Nλ) + (1 − e^(−(N−1)λT))/((N−1)λ) on average; cycles
    /// repeat independently, so MTTDL = E[cycle] / p.
    /// </summary>
    public static double OneTolerantFixed(int units, double lambda, double hours, double q = 1)
    {
        double a = (units - 1) * lambda;
        double secondFailure = -Precise.ExpM1(-a * hours);
        double lossPerCycle = secondFailure + ((1 - secondFailure) * (1 - q));
        return ((1 / (units * lambda)) + (secondFailure / a)) / lossPerCycle;
    }

    /// <summary>k-out-of-n active redundancy without repair: MTTF = Σ_{i=k}^{n} 1/(iλ).</summary>
    public static double KOutOfNWithoutRepair(int n, int k, double lambda)
    {
        double sum = 0;
        for (int i = k; i <= n; i++)
        {
            sum += 1 / (i * lambda);
        }

        return sum;
    }

    /// <summary>
    /// k running units and s cold standbys without repair, each takeover succeeding with probability C:
    /// MTTF = Σ_{j=0}^{s} C^j / (kλ); with C = 1, (s + 1)/(kλ).
    /// </summary>
    public static double ColdStandbyWithoutRepair(int running, int standbys, double lambda, double coverage = 1)
    {
        double sum = 0;
        for (int j = 0; j <= standbys; j++)
        {
            sum += Math.Pow(coverage, j) / (running * lambda);
        }

        return sum;
    }

    /// <summary>
    /// One running unit and one cold standby, repair rate μ, switch coverage C:
    /// MTTF = (λ(1 + C) + μ) / (λ(λ + μ(1 − C))); with C = 1, (2λ + μ)/λ².
    /// </summary>
    public static double ColdStandbyPairWithRepair(double lambda, double mu, double coverage = 1) =>
        ((lambda * (1 + coverage)) + mu) / (lambda * (lambda + (mu * (1 - coverage))));
}
