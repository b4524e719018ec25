namespace RaidEmu.Core.Power;

/// <summary>What is kept of one supply between runs.</summary>
/// <param name="Id">A, B, ...</param>
/// <param name="State">Redfish State.</param>
/// <param name="InputNormal">Input present.</param>
/// <param name="CapacityWatts">Its capacity, when it differs from the group's (a mismatched unit).</param>
/// <param name="PredictedFailure">It predicted its own failure.</param>
public sealed record SupplySnapshot(string Id, SupplyState State, bool InputNormal, double? CapacityWatts = null, bool PredictedFailure = false);
