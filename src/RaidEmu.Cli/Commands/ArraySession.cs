using RaidEmu.Cli.Output;
using RaidEmu.Core.Arrays;

namespace RaidEmu.Cli.Commands;

/// <summary>An array opened by this process for changes: the folder's lock is held until disposal.</summary>
internal sealed class ArraySession : IDisposable
{
    private readonly ArrayLock _lock;

    private ArraySession(string folder, RaidArray array, ArrayLock folderLock)
    {
        Folder = folder;
        Array = array;
        _lock = folderLock;
    }

    public string Folder { get; }

    public RaidArray Array { get; }

    public static ArraySession Open(string folder, string purpose, bool force = false)
    {
        RequireFolder(folder);
        var folderLock = ArrayLock.Acquire(folder, $"raidemu {purpose}");
        try
        {
            return new ArraySession(folder, ArrayFolder.Open(folder, force), folderLock);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>Opens read-only, without the lock, for reports: even an array that could not start.</summary>
    public static RaidArray Inspect(string folder)
    {
        RequireFolder(folder);
        return ArrayFolder.Open(folder, inspect: true);
    }

    public static void RequireFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"no array at {folder}: the folder does not exist (create one with 'raidemu create {folder} ...')");
        }
    }

    public void Dispose()
    {
        Array.Dispose();
        _lock.Dispose();
    }
}
