namespace RaidEmu.Core.Reliability;

/// <summary>A group of supplies for the simulation; no data here, only the rail.</summary>
internal sealed class SupplyUnits(SupplyGroupModel model) : UnitSystem(
    model.Supplies, model.Standby ? model.MinNeeded : model.Supplies, model.Lifetime, model.RepairHours, model.Repair, 1, model.Coverage)
{
    public override double SectorFraction => 0;

    public override bool Lost(ReadOnlySpan<bool> failed, int failedCount) => model.Supplies - failedCount < model.MinNeeded;

    public override bool Critical(ReadOnlySpan<bool> failed, int failedCount, int unit) => false;

    public override double LostFraction(ReadOnlySpan<bool> failed, int failedCount) => 0;
}
