using System.Text.Json.Serialization;

namespace RaidEmu.Core.Events;

/// <summary>One entry of an array's event log, stored as one JSON line.</summary>
/// <param name="Time">When it happened (UTC).</param>
/// <param name="Array">The array's UUID.</param>
/// <param name="Type">What happened: one of <see cref="EventTypes"/>.</param>
/// <param name="Member">The member's device number, when the event concerns one.</param>
/// <param name="Details">Free text with the figures that explain the event.</param>
/// <param name="Events">The md event count after the change.</param>
public sealed record ArrayEvent(
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("array")] Guid Array,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("member")] int? Member,
    [property: JsonPropertyName("details")] string? Details,
    [property: JsonPropertyName("events")] ulong Events)
{
    /// <summary>The power supply the event concerns, for power events.</summary>
    [JsonPropertyName("supply")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Supply { get; init; }

    /// <summary>The Redfish message id (Power.1.2.PowerSupplyFailed, ...), for power events.</summary>
    [JsonPropertyName("redfish")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Redfish { get; init; }

    /// <summary>The IPMI sensor type and offset (08h/01: power supply failure detected, 0Bh/05: redundancy insufficient, ...).</summary>
    [JsonPropertyName("ipmi")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Ipmi { get; init; }
}
