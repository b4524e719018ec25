namespace RaidEmu.Core.Reliability;

/// <summary>An array's disks for the simulation; what a loss costs is <see cref="DiskArrayModel.Losses"/>.</summary>
internal sealed class DiskUnits(DiskArrayModel model) : UnitSystem(
    model.Disks, model.Disks, model.Lifetime, model.RebuildHours, model.Rebuild, model.RebuildSuccessProbability, 1)
{
    public override double SectorFraction => model.Losses.Sector;

    public override bool Lost(ReadOnlySpan<bool> failed, int failedCount)
    {
        if (model.Level != 10)
        {
            return failedCount > model.Tolerated;
        }

        for (int d = 0; d < failed.Length; d += 2)
        {
            if (failed[d] && failed[d + 1])
            {
                return true;
            }
        }

        return false;
    }

    // RAID 10 copies a disk from its partner, the only other copy; the others read without redundancy only at their limit.
    public override bool Critical(ReadOnlySpan<bool> failed, int failedCount, int unit) =>
        model.Level == 10 || failedCount == model.Tolerated;

    public override double LostFraction(ReadOnlySpan<bool> failed, int failedCount) => model.Losses.Whole;
}
