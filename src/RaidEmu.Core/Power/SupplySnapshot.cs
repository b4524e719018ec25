namespace RaidEmu.Core.Power;

/// <summary>What is kept of one supply between runs.</summary>
/// <param name="Id">A, B, ...</param>
/// <param name="State">Redfish State.</param>
/// <param name="InputNormal">Input present.</param>
public sealed record SupplySnapshot(string Id, SupplyState State, bool InputNormal);
