using RaidEmu.Cli.Output;
using RaidEmu.Core;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Power;
using RaidEmu.Live.Hosting;

namespace RaidEmu.Cli.Commands;

/// <summary>Inside a serving process: every command acts on the one live array (and power subsystem) it serves.</summary>
internal sealed class LiveArrays(LiveHost host) : IArrayAccess
{
    public LiveHost Host { get; } = host;

    public ArrayHandle Open(string folder, string purpose, bool force = false)
    {
        CheckFolder(folder);
        var array = Host.Volume.Current;
        if (array == null && purpose == "start")
        {
            array = Host.Restart(force);
        }

        return array == null
            ? throw new ArrayRefusedException($"the array is down: {Host.Volume.DownReason}")
            : new ArrayHandle(array, Host.Folder, live: true, () => { });
    }

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

    private void CheckFolder(string requested)
    {
        if (!string.Equals(Path.GetFullPath(requested).TrimEnd('/'), Path.GetFullPath(Host.Folder).TrimEnd('/'), StringComparison.Ordinal))
        {
            throw new UsageException($"this process serves {Host.Folder}, not {requested}");
        }
    }
}
