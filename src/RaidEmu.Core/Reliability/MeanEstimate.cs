namespace RaidEmu.Core.Reliability;

/// <summary>A Monte Carlo mean with its 95 % confidence interval (normal approximation: mean ± 1.96·s/√n).</summary>
/// <param name="Mean">Sample mean.</param>
/// <param name="Low">Lower end of the 95 % interval.</param>
/// <param name="High">Upper end of the 95 % interval.</param>
/// <param name="Trials">Trials run.</param>
public sealed record MeanEstimate(double Mean, double Low, double High, int Trials)
{
    /// <summary>The estimate from the samples.</summary>
    public static MeanEstimate From(IReadOnlyList<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int n = samples.Count;
        double mean = samples.Average();
        double variance = n > 1 ? samples.Sum(x => (x - mean) * (x - mean)) / (n - 1) : 0;
        double half = 1.96 * Math.Sqrt(variance / n);
        return new MeanEstimate(mean, mean - half, mean + half, n);
    }
}
