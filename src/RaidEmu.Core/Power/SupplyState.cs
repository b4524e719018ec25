namespace RaidEmu.Core.Power;

/// <summary>A supply's Redfish State.</summary>
public enum SupplyState
{
    /// <summary>Delivering power.</summary>
    Enabled,

    /// <summary>Installed and healthy, waiting to take over.</summary>
    StandbySpare,

    /// <summary>Not installed.</summary>
    Absent,

    /// <summary>Failed internally.</summary>
    Failed,

    /// <summary>Installed but unavailable (for example just inserted, waiting for PWOK).</summary>
    UnavailableOffline,
}
