namespace RaidEmu.Cli.Commands;

/// <summary>What <c>raidemu psu status --json</c> prints.</summary>
internal sealed record PsuReport(
    string Mode,
    string Rail,
    double LoadWatts,
    double DemandWatts,
    double CapacityWatts,
    string GroupStatus,
    bool Capped,
    int MinNeeded,
    double HoldupMs,
    double WakeMs,
    IReadOnlyList<SupplyReport> Supplies);

/// <summary>One supply in <see cref="PsuReport"/>.</summary>
internal sealed record SupplyReport(string Id, string State, string Health, string Input, double OutputWatts, double InputWatts, double CapacityWatts, int Feed);
