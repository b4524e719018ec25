namespace RaidEmu.Core.Reliability;

/// <summary>A textbook approximation of a mean time to loss, printed beside the exact value.</summary>
/// <param name="Name">Where it comes from.</param>
/// <param name="Formula">The formula, in plain text.</param>
/// <param name="Hours">Its value.</param>
public sealed record Approximation(string Name, string Formula, double Hours);
