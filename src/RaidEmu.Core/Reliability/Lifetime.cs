namespace RaidEmu.Core.Reliability;

/// <summary>
/// How long a unit (a disk, a power supply) lasts: a Weibull distribution with <paramref name="Shape"/> and
/// <paramref name="Scale"/> (hours). Shape 1 is the exponential distribution with rate 1/scale, the one the
/// Markov chains assume; field data (Elerath and Pecht 2009) fit shapes near 1.1–1.4, a rate that rises with age.
/// </summary>
/// <param name="Shape">Weibull shape β (1 = exponential).</param>
/// <param name="Scale">Weibull scale η, in hours.</param>
public sealed record Lifetime(double Shape, double Scale)
{
    /// <summary>An exponential lifetime with <paramref name="ratePerHour"/> failures per hour.</summary>
    public static Lifetime Exponential(double ratePerHour)
    {
        Require.Positive(ratePerHour, "failure rate");
        return new Lifetime(1, 1 / ratePerHour);
    }

    /// <summary>True when the rate does not change with age.</summary>
    public bool IsExponential => Shape == 1;

    /// <summary>Mean lifetime in hours: η·Γ(1 + 1/β).</summary>
    public double MeanHours => Scale * GammaFunction.Gamma(1 + (1 / Shape));

    /// <summary>The constant rate with the same mean; what the chains use when the lifetime is not exponential.</summary>
    public double EquivalentRate => 1 / MeanHours;

    /// <summary>Checks the parameters.</summary>
    public Lifetime Validated()
    {
        Require.Positive(Shape, "Weibull shape");
        Require.Positive(Scale, "Weibull scale");
        return this;
    }

    /// <summary>Draws one lifetime by inverting the distribution function.</summary>
    internal double Sample(ref Xoshiro rng) => Scale * Math.Pow(-Math.Log(rng.NextOpenUnit()), 1 / Shape);
}
