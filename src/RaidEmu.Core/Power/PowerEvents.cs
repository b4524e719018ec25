using RaidEmu.Core.Events;

namespace RaidEmu.Core.Power;

/// <summary>
/// The one table of what each power event is called by Redfish (Power, Platform and ResourceEvent registries) and
/// by IPMI (sensor type and offset), so a management tool reading the event log can map it onto either.
/// </summary>
public static class PowerEvents
{
    private const string PowerSupply = "08h";
    private const string PowerUnit = "09h";
    private const string Redundancy = "0Bh";

    private static readonly Dictionary<string, PowerEventCode> s_codes = new(StringComparer.Ordinal)
    {
        [EventTypes.PowerSupplyInserted] = new("Power.1.2.PowerSupplyInserted", PowerSupply, "00"),
        [EventTypes.PowerSupplyRemoved] = new("Power.1.2.PowerSupplyRemoved", PowerSupply, "00 deasserted"),
        [EventTypes.PowerSupplyFailed] = new("Power.1.2.PowerSupplyFailed", PowerSupply, "01"),
        [EventTypes.PowerSupplyRestored] = new("Power.1.2.PowerSupplyRestored", PowerSupply, "01 deasserted"),
        [EventTypes.PowerSupplyPredictiveFailure] = new("Power.1.2.PowerSupplyPredictiveFailure", PowerSupply, "02"),
        [EventTypes.LossOfInputPower] = new("Power.1.2.LossOfInputPower", PowerSupply, "03"),
        [EventTypes.LineInputPowerRestored] = new("Power.1.2.LineInputPowerRestored", PowerSupply, "03 deasserted"),
        // Event data 3 says which configuration error: 03h is a rating mismatch.
        [EventTypes.PowerSupplyConfigurationError] = new("Power.1.2.PowerSupplyWarning", PowerSupply, "06 (event data 3 = 03h: rating)"),
        [EventTypes.StandbySleeping] = new("ResourceEvent.1.4.ResourceStateChanged", PowerSupply, "07"),
        [EventTypes.StandbyPromoted] = new("ResourceEvent.1.4.ResourceStateChanged", PowerSupply, "07 deasserted"),
        [EventTypes.ChassisPoweredOff] = new("Power.1.2.ChassisPoweredOff", PowerUnit, "04"),
        [EventTypes.ChassisPoweredOn] = new("Power.1.2.ChassisPoweredOn", null, null),
        [EventTypes.PowerCapped] = new("Platform.1.3.PowerBrake", null, null),
        [EventTypes.PowerSupplyGroupNormal] = new("Power.1.2.PowerSupplyGroupNormal", Redundancy, "00"),
        // The warning's offset tells where the group came from (01+03, 02+06, 02+07 or 04): see GroupAssessment.
        [EventTypes.PowerSupplyGroupWarning] = new("Power.1.2.PowerSupplyGroupWarning", Redundancy, null),
        [EventTypes.PowerSupplyGroupCritical] = new("Power.1.2.PowerSupplyGroupCritical", Redundancy, "05"),
    };

    /// <summary>The codes of <paramref name="type"/>; both null for the emulator's own events (PowerSetup, LoadChanged, ...).</summary>
    public static PowerEventCode Of(string type) => s_codes.TryGetValue(type, out var code) ? code : default;
}
