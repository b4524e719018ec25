namespace RaidEmu.Core.Scenarios;

/// <summary>One event of the array's log, placed at the workload write it happened before or during.</summary>
/// <param name="Op">Writes completed when it was seen.</param>
/// <param name="Percent">The same as a percentage of the workload.</param>
/// <param name="Type">Event type.</param>
/// <param name="Member">Member device number, if any.</param>
/// <param name="Details">The event's details.</param>
public sealed record TimelineEntry(long Op, double Percent, string Type, int? Member, string? Details)
{
    /// <summary>The part of an entry a rerun with the same seed must reproduce exactly.</summary>
    public string Key => $"{Op} {Type} {Member} {Details}";
}
