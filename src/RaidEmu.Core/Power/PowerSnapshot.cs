namespace RaidEmu.Core.Power;

/// <summary>The power subsystem as saved in the array folder (power.json): configuration and every supply's state.</summary>
/// <param name="Config">The configuration.</param>
/// <param name="Supplies">Each supply.</param>
/// <param name="Rail">The rail state.</param>
public sealed record PowerSnapshot(PowerConfig Config, IReadOnlyList<SupplySnapshot> Supplies, RailState Rail);
