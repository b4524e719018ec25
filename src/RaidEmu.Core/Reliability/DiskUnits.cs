namespace RaidEmu.Core.Reliability;

/// <summary>An array's disks for the simulation. Data lost is what no surviving disk can give back: the failed
/// disks' share of a parity array (parity rotates, so each disk holds 1/N of the data), a whole mirror, a RAID 10 pair.</summary>
internal sealed class DiskUnits(DiskArrayModel model) : UnitSystem(
    model.Disks, model.Disks, model.Lifetime, model.RebuildHours, model.Rebuild, model.RebuildSuccessProbability, 1)
{
    public override double SectorFraction => model.UsableBytes > 0 ? DiskArrayModel.SectorBytes / model.UsableBytes : 0;

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

    public override double LostFraction(ReadOnlySpan<bool> failed, int failedCount)
    {
        switch (model.Level)
        {
            case 1:
                return 1;
            case 10:
                int pairs = 0;
                for (int d = 0; d < failed.Length; d += 2)
                {
                    pairs += failed[d] && failed[d + 1] ? 1 : 0;
                }

                return pairs / (failed.Length / 2.0);
            default:
                return Math.Min(1, failedCount / (double)model.Disks);
        }
    }
}
