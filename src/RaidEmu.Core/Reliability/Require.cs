using System.Globalization;

namespace RaidEmu.Core.Reliability;

/// <summary>Argument checks that name the quantity, never a command-line flag (the CLI adds those).</summary>
internal static class Require
{
    public static void Positive(double value, string what)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{what} must be a positive number, not {value}"));
        }
    }

    public static void Probability(double value, string what)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{what} must be between 0 and 1, not {value}"));
        }
    }
}
