using System.Globalization;

namespace RaidEmu.Core.Reliability;

/// <summary>The units the reliability calculator reads: durations, capacities and annualised failure rates.</summary>
public static class ReliabilityUnits
{
    /// <summary>Hours in the year the calculator uses (365 days; the AFR conversion uses the same).</summary>
    public const double HoursPerYear = 8760;

    /// <summary>"36", "36h", "2d", "5y" (y = 8,760 h) → hours; throws <see cref="ArgumentException"/> for anything else or a value ≤ 0.</summary>
    public static double ParseHours(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        double unit = 1;
        if (t.Length > 0 && char.IsAsciiLetter(t[^1]))
        {
            unit = char.ToLowerInvariant(t[^1]) switch
            {
                'h' => 1,
                'd' => 24,
                'y' => HoursPerYear,
                _ => 0,
            };
            t = t[..^1];
        }

        if (unit == 0 || !double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsInfinity(value))
        {
            throw new ArgumentException($"{what} '{text}' is not a duration: use hours, or a number with h, d or y (8760 h)");
        }

        Require.Positive(value, what);
        return value * unit;
    }

    /// <summary>
    /// "4TB" (decimal: 4×10¹², as drive vendors count), "4TiB" or "4T" (binary: 4×2⁴⁰), likewise K/M/G/P, or plain bytes.
    /// </summary>
    public static double ParseBytes(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        int split = t.Length;
        while (split > 0 && char.IsAsciiLetter(t[split - 1]))
        {
            split--;
        }

        string suffix = t[split..].ToUpperInvariant();
        double scale = suffix.Length == 0 ? 1 : suffix[0] switch
        {
            'K' => 1,
            'M' => 2,
            'G' => 3,
            'T' => 4,
            'P' => 5,
            _ => 0,
        };
        double unit = suffix switch
        {
            "" or "B" => 1,
            _ when scale == 0 => 0,
            _ when suffix.Length == 2 && suffix[1] == 'B' => Math.Pow(1000, scale),
            _ when suffix.Length == 1 || suffix[1..] is "I" or "IB" => Math.Pow(1024, scale),
            _ => 0,
        };
        if (unit == 0 || !double.TryParse(t[..split], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsInfinity(value))
        {
            throw new ArgumentException($"{what} '{text}' is not a size: use bytes, or TB/GB (powers of 1000) or TiB/T, GiB/G (powers of 1024)");
        }

        Require.Positive(value, what);
        return value * unit;
    }

    /// <summary>
    /// An annualised failure rate (the fraction of drives that fail in a year, as Backblaze publishes it) as a
    /// constant hourly rate: a unit survives a year with probability 1 − AFR = e^(−λ·8760), so λ = −ln(1 − AFR)/8760.
    /// </summary>
    public static double RateFromAfr(double afrFraction)
    {
        if (!(afrFraction > 0 && afrFraction < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"an annualised failure rate must be above 0 % and below 100 %, not {afrFraction * 100} %"));
        }

        return -Precise.Log1P(-afrFraction) / HoursPerYear;
    }

    /// <summary>The inverse of <see cref="RateFromAfr"/>: the fraction of units a constant hourly rate fails in a year.</summary>
    public static double AfrFromRate(double ratePerHour) => -Precise.ExpM1(-ratePerHour * HoursPerYear);
}
