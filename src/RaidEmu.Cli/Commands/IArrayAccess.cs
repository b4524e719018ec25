using RaidEmu.Core.Faults;
using RaidEmu.Core.Power;

namespace RaidEmu.Cli.Commands;

/// <summary>How commands reach an array: straight from its files, or the live one a server holds.</summary>
internal interface IArrayAccess
{
    /// <summary>Opens for changes (holding the folder's lock offline).</summary>
    ArrayHandle Open(string folder, string purpose, bool force = false);

    /// <summary>Opens to read the volume: needs no write access (offline, the folder's lock is only shared).</summary>
    ArrayHandle OpenToRead(string folder);

    /// <summary>Opens for reports only; works even on an array that could not start.</summary>
    ArrayHandle Inspect(string folder);

    /// <summary>The array's power subsystem; <paramref name="replace"/> sets up a new configuration.</summary>
    PowerHandle OpenPower(string folder, bool change, PowerConfig? replace = null);

    /// <summary>The array's injected faults; <paramref name="change"/> holds the folder's lock offline until disposed.</summary>
    FaultsHandle OpenFaults(string folder, bool change);

    /// <summary>The faults now injected, for reports.</summary>
    IReadOnlyList<Fault> Faults(string folder);
}
