using RaidEmu.Cli.Output;
using RaidEmu.Core;
using RaidEmu.Core.Faults;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Power;
using RaidEmu.Live.Hosting;

namespace RaidEmu.Cli.Commands;

/// <summary>Inside a serving process: every command acts on the one live array (and power subsystem) it serves.</summary>
/// <param name="host">The serving process's array.</param>
/// <param name="readOnly">Served read-only: the volume's contents cannot be changed, through the control socket either.</param>
internal sealed class LiveArrays(LiveHost host, bool readOnly) : IArrayAccess
{
    private readonly Lock _faultGate = new();

    public LiveHost Host { get; } = host;

    public ArrayHandle Open(string folder, string purpose, bool force = false)
    {
        CheckFolder(folder);
        if (readOnly && purpose == "write")
        {
            throw new ArrayRefusedException($"{Host.Folder} is served read-only; serve it without --read-only to write to it");
        }

        var array = Host.Volume.Current;
        if (array == null && purpose == "start")
        {
            array = Host.Restart(force);
        }

        return array == null
            ? throw new ArrayRefusedException($"the array is down: {Host.Volume.DownReason}")
            : new ArrayHandle(array, Host.Folder, live: true, () => { });
    }

    public ArrayHandle OpenToRead(string folder) => Open(folder, "read");

    public ArrayHandle Inspect(string folder)
    {
        CheckFolder(folder);
        if (Host.Volume.Current is { } array)
        {
            return new ArrayHandle(array, Host.Folder, live: true, () => { });
        }

        // Down after a power loss: report what the member files say, as the next start would see them.
        var files = ArrayFolder.Open(Host.Folder, inspect: true);
        return new ArrayHandle(files, Host.Folder, live: false, files.Dispose);
    }

    public PowerHandle OpenPower(string folder, bool change, PowerConfig? replace = null)
    {
        CheckFolder(folder);
        if (replace != null)
        {
            throw new ArrayRefusedException("stop the server before changing the power setup");
        }

        Host.PowerGate.Enter();
        return new PowerHandle(Host.Power, Host.Folder, change, Host.PowerGate.Exit);
    }

    public IReadOnlyList<Fault> Faults(string folder)
    {
        CheckFolder(folder);
        return LiveFaults().Faults;
    }

    public FaultsHandle OpenFaults(string folder, bool change)
    {
        CheckFolder(folder);

        // Two control requests may change the set at once; their saves of faults.json must not interleave.
        _faultGate.Enter();
        try
        {
            using var handle = Inspect(folder);
            ulong events = handle.Array.EventCount;
            return new FaultsHandle(LiveFaults(), Host.Folder, handle.Array.Uuid, () => Host.Volume.Current?.EventCount ?? events, _faultGate.Exit);
        }
        catch
        {
            _faultGate.Exit();
            throw;
        }
    }

    /// <summary>The running array's set, which its member devices apply and which saves itself; while power is off, the folder's.</summary>
    private FaultSet LiveFaults() => Host.Volume.Current?.Faults ?? FaultSet.Load(Host.Folder);

    private void CheckFolder(string requested)
    {
        // The request's path is the client's, relative to the client's working directory.
        if (!string.Equals(CommandContext.Current.Path(requested).TrimEnd('/'), Path.GetFullPath(Host.Folder).TrimEnd('/'), StringComparison.Ordinal))
        {
            throw new UsageException($"this process serves {Host.Folder}, not {requested}");
        }
    }
}
