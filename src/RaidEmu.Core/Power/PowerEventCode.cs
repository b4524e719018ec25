namespace RaidEmu.Core.Power;

/// <summary>How the standards name one power event: a Redfish message id and an IPMI sensor type with its offset.</summary>
/// <param name="Redfish">The Redfish message id, or null when no registry has one.</param>
/// <param name="IpmiSensorType">The IPMI sensor type (08h power supply, 09h power unit, 0Bh redundancy), or null.</param>
/// <param name="IpmiOffset">The event offset within that sensor type, with "deasserted" when the condition ends.</param>
public readonly record struct PowerEventCode(string? Redfish, string? IpmiSensorType, string? IpmiOffset)
{
    /// <summary>"08h/01" and the like; <paramref name="offset"/> replaces the usual offset (the redundancy sensor's depends on the transition).</summary>
    public string? Ipmi(string? offset = null) => IpmiSensorType == null ? null : $"{IpmiSensorType}/{offset ?? IpmiOffset}";
}
