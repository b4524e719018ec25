namespace RaidEmu.Core.Reliability;

/// <summary>A failure transition of a chain: to structural state <paramref name="Target"/> (or <see cref="Loss"/>) at <paramref name="Rate"/> per hour.</summary>
/// <param name="Target">The state reached, or <see cref="Loss"/>.</param>
/// <param name="Rate">Rate per hour.</param>
public readonly record struct ChainTransition(int Target, double Rate)
{
    /// <summary>The absorbing state: data (or the rail) lost.</summary>
    public const int Loss = -1;
}
