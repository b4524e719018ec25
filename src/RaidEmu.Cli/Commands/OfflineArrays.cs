using RaidEmu.Cli.Output;
using RaidEmu.Core.Arrays;

namespace RaidEmu.Cli.Commands;

/// <summary>Arrays assembled from their files by this process, which holds the folder's lock while it changes them.</summary>
internal sealed class OfflineArrays : IArrayAccess
{
    public static readonly OfflineArrays Instance = new();

    public ArrayHandle Open(string folder, string purpose, bool force = false)
    {
        RequireFolder(folder);
        var folderLock = ArrayLock.Acquire(folder, $"raidemu {purpose}");
        try
        {
            var array = ArrayFolder.Open(folder, force);
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

    public ArrayHandle Inspect(string folder)
    {
        RequireFolder(folder);
        var array = ArrayFolder.Open(folder, inspect: true);
        return new ArrayHandle(array, folder, live: false, array.Dispose);
    }

    public static void RequireFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"no array at {folder}: the folder does not exist (create one with 'raidemu create {folder} ...')");
        }
    }
}
