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
    [property: JsonPropertyName("events")] ulong Events);
