namespace RaidEmu.Core.Reliability;

/// <summary>What Monte Carlo says about one mission.</summary>
/// <param name="Hours">Mission length.</param>
/// <param name="Trials">Trials run.</param>
/// <param name="Losses">Trials with at least one loss.</param>
/// <param name="LossProbability">Losses / trials.</param>
/// <param name="LossProbabilityLow">Lower end of the 95 % Wilson interval.</param>
/// <param name="LossProbabilityHigh">Upper end of the 95 % Wilson interval (not zero when no trial lost data).</param>
/// <param name="LostFraction">Expected fraction of the usable data lost over the mission, every loss counted (NOMDL / usable bytes).</param>
public sealed record MissionEstimate(double Hours, int Trials, int Losses, double LossProbability, double LossProbabilityLow, double LossProbabilityHigh, MeanEstimate LostFraction)
{
    /// <summary>Wilson score interval at 95 %: unlike p ± 1.96·√(p(1−p)/n) it stays inside [0, 1] and is not empty at 0 losses.</summary>
    public static (double Low, double High) Wilson(int successes, int trials)
    {
        const double Z = 1.96;
        double p = successes / (double)trials;
        double denominator = 1 + (Z * Z / trials);
        double centre = (p + (Z * Z / (2 * trials))) / denominator;
        double half = Z * Math.Sqrt((p * (1 - p) / trials) + (Z * Z / (4.0 * trials * trials))) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
