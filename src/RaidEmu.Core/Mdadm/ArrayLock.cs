namespace RaidEmu.Core.Mdadm;

/// <summary>
/// Exclusive ownership of an array folder by one process (an flock on <c>.lock</c>, taken by .NET for
/// FileShare.None). The owner's pid and command go to <c>.owner</c> so a refused process can say who holds it.
/// The kernel drops the lock when the owner dies, so a crash never leaves the array locked.
/// </summary>
public sealed class ArrayLock : IDisposable
{
    /// <summary>Lock file name inside an array folder.</summary>
    public const string LockFileName = ".lock";

    /// <summary>File naming the owning process.</summary>
    public const string OwnerFileName = ".owner";

    private readonly FileStream _lock;
    private readonly string _ownerPath;

    private ArrayLock(FileStream lockStream, string ownerPath)
    {
        _lock = lockStream;
        _ownerPath = ownerPath;
    }

    /// <summary>Takes the folder's lock or throws <see cref="ArrayBusyException"/> at once, naming the holder.</summary>
    public static ArrayLock Acquire(string folder, string purpose)
    {
        string lockPath = Path.Combine(folder, LockFileName);
        string ownerPath = Path.Combine(folder, OwnerFileName);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            string owner = File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : "another process";
            throw new ArrayBusyException($"array {folder} is in use by {owner}; wait for it to finish or stop it");
        }

        File.WriteAllText(ownerPath, $"process {Environment.ProcessId} ({purpose})");
        return new ArrayLock(stream, ownerPath);
    }

    /// <summary>Releases the folder.</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(_ownerPath);
        }
        catch (IOException)
        {
            // The lock itself is what matters; a leftover owner file is only read while the lock is held.
        }

        _lock.Dispose();
    }
}
