using RaidEmu.Core.Events;

namespace RaidEmu.Core.Power;

/// <summary>The redundancy group's status by Intel's rule: w supplies working, r required, n installed.</summary>
internal readonly record struct GroupAssessment(GroupStatus Status, int Working, int Required, int Installed)
{
    public static GroupAssessment Of(IReadOnlyList<PowerSupply> supplies, PowerConfig config, double demandWatts, double capacityWatts)
    {
        int working = supplies.Count(s => s.Working);
        int installed = supplies.Count(s => s.Installed);
        int required = Math.Max(config.MinNeeded, (int)Math.Ceiling(demandWatts / config.CapacityWatts));
        // A failover group's standby is about to cover a shortfall; any other shortfall is insufficient power.
        bool standby = supplies.Any(s => s.State == SupplyState.StandbySpare && s.InputNormal);
        bool shortfall = capacityWatts < demandWatts && !(config.Mode == RedundancyMode.Failover && standby);
        var status = working < required || working == 0 || shortfall ? GroupStatus.Insufficient
            : working <= required ? GroupStatus.NonRedundantSufficient
            : working == installed ? GroupStatus.FullyRedundant
            : GroupStatus.Degraded;
        return new(status, working, required, installed);
    }

    /// <summary>
    /// The event that reports reaching this status from <paramref name="from"/>: its type, the redundancy
    /// sensor's offset (which for a warning tells where the group came from) and the figures.
    /// </summary>
    public (string Type, string IpmiOffset, string Details) Event(GroupStatus? from, double capacityWatts, double demandWatts)
    {
        string counts = $"{Working} working, {Required} required, {Installed} installed";
        return Status switch
        {
            GroupStatus.FullyRedundant => (EventTypes.PowerSupplyGroupNormal, "00", $"fully redundant ({counts})"),
            GroupStatus.Degraded => (EventTypes.PowerSupplyGroupWarning, from == GroupStatus.FullyRedundant ? "02+06" : "02+07", $"redundancy degraded ({counts})"),
            GroupStatus.NonRedundantSufficient => (EventTypes.PowerSupplyGroupWarning, from == GroupStatus.Insufficient ? "04" : "01+03", $"redundancy lost, power sufficient ({counts})"),
            _ => (EventTypes.PowerSupplyGroupCritical, "05", $"insufficient ({counts}, {capacityWatts:0} W for {demandWatts:0} W)"),
        };
    }
}
