using RaidEmu.Cli.Output;
using RaidEmu.Core.Faults;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Power;
using RaidEmu.Live.Hosting;

namespace RaidEmu.Cli.Commands;

/// <summary>Arrays assembled from their files by this process, which holds the folder's lock while it changes them.</summary>
internal sealed class OfflineArrays : IArrayAccess
{
    public static readonly OfflineArrays Instance = new();

    public ArrayHandle Open(string folder, string purpose, bool force = false) =>
        Held(folder, () => ArrayLock.Acquire(folder, $"raidemu {purpose}"), () => ArrayFolder.Open(folder, force));

    public ArrayHandle OpenToRead(string folder) => Held(folder, () => ArrayLock.AcquireShared(folder), () =>
    {
        // Opened as for inspection (member files read-only), but refused as a start would be.
        var array = ArrayFolder.Open(folder, inspect: true);
        if (array.StartProblem is { } problem)
        {
            bool failed = array.State == ArrayState.Failed;
            array.Dispose();
            throw failed ? new ArrayFailedException(problem) : new ArrayStartRefusedException(problem);
        }

        return array;
    });

    public ArrayHandle Inspect(string folder)
    {
        RequireFolder(folder);
        var array = ArrayFolder.Open(folder, inspect: true);
        return new ArrayHandle(array, folder, live: false, array.Dispose);
    }

    public PowerHandle OpenPower(string folder, bool change, PowerConfig? replace = null)
    {
        RequireFolder(folder);
        var folderLock = change ? ArrayLock.Acquire(folder, "raidemu psu") : null;
        try
        {
            using var array = ArrayFolder.Open(folder, inspect: true);
            var power = PowerFolder.Load(folder, array, replace);
            return new PowerHandle(power, folder, change, () => folderLock?.Dispose());
        }
        catch
        {
            folderLock?.Dispose();
            throw;
        }
    }

    public IReadOnlyList<Fault> Faults(string folder) => FaultSet.Load(folder).Faults;

    public FaultsHandle OpenFaults(string folder, bool change)
    {
        RequireFolder(folder);
        var folderLock = change ? ArrayLock.Acquire(folder, "raidemu fault") : null;
        try
        {
            using var array = ArrayFolder.Open(folder, inspect: true);
            ulong events = array.EventCount;
            return new FaultsHandle(FaultSet.Load(folder), folder, array.Uuid, () => events, () => folderLock?.Dispose());
        }
        catch
        {
            folderLock?.Dispose();
            throw;
        }
    }

    /// <summary>Opens an array with power on, holding <paramref name="take"/>'s lock until the handle is disposed.</summary>
    private static ArrayHandle Held(string folder, Func<ArrayLock> take, Func<RaidArray> open)
    {
        RequireFolder(folder);
        if (PowerFolder.ReadRail(folder) == RailState.Off)
        {
            throw LiveHost.NoPower(folder);
        }

        var folderLock = take();
        try
        {
            var array = open();
            return new ArrayHandle(array, folder, live: false, () =>
            {
                array.Dispose();
                folderLock.Dispose();
            });
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    public static void RequireFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"no array at {folder}: the folder does not exist (create one with 'raidemu create {folder} ...')");
        }
    }
}
