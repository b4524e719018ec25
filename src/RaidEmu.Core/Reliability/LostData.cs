namespace RaidEmu.Core.Reliability;

/// <summary>How much of the usable data one loss costs.</summary>
/// <param name="Whole">Fraction lost when more units fail than the system survives.</param>
/// <param name="Sector">Fraction lost when a critical repair meets an unrecoverable read error.</param>
public sealed record LostData(double Whole, double Sector);
