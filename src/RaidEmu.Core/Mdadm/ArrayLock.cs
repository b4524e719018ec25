namespace RaidEmu.Core.Mdadm;

/// <summary>
/// Ownership of an array folder (an flock on <c>.lock</c>, taken by .NET from the FileShare asked for):
/// exclusive for one process that changes the array, shared among processes that only read it. The
/// exclusive owner's pid and command go to <c>.owner</c> so a refused process can say who holds it.
/// The kernel drops the lock when the owner dies, so a crash never leaves the array locked.
/// </summary>
public sealed class ArrayLock : IDisposable
{
    /// <summary>Lock file name inside an array folder.</summary>
    public const string LockFileName = ".lock";

    /// <summary>File naming the owning process.</summary>
    public const string OwnerFileName = ".owner";

    /// <summary>The errno (EWOULDBLOCK) .NET gives the IOException of a lock another process holds.</summary>
    private const int WouldBlock = 11;

    private readonly FileStream? _lock;
    private readonly string? _ownerPath;

    private ArrayLock(FileStream? lockStream, string? ownerPath)
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
        catch (IOException ex) when (ex.HResult == WouldBlock)
        {
            throw Busy(folder);
        }
        catch (IOException ex)
        {
            // A read-only file system, for one: not another process's doing.
            throw new IOException($"cannot lock array {folder} to change it: {ex.Message}", ex);
        }

        File.WriteAllText(ownerPath, $"process {Environment.ProcessId} ({purpose})");
        return new ArrayLock(stream, ownerPath);
    }

    /// <summary>
    /// Takes the folder's lock shared, for reading only: readers do not exclude each other, and none reads
    /// while a process changes the array. Needs no write access: on a read-only file system whose folder
    /// holds no lock file, nobody can change the array, so there is nothing to hold.
    /// </summary>
    public static ArrayLock AcquireShared(string folder)
    {
        string lockPath = Path.Combine(folder, LockFileName);
        try
        {
            return new ArrayLock(new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), null);
        }
        catch (FileNotFoundException)
        {
            return new ArrayLock(null, null);
        }
        catch (IOException ex) when (ex.HResult == WouldBlock)
        {
            throw Busy(folder);
        }
    }

    /// <summary>Releases the folder.</summary>
    public void Dispose()
    {
        try
        {
            if (_ownerPath != null)
            {
                File.Delete(_ownerPath);
            }
        }
        catch (IOException)
        {
            // The lock itself is what matters; a leftover owner file is only read while the lock is held.
        }

        _lock?.Dispose();
    }

    private static ArrayBusyException Busy(string folder)
    {
        string owner;
        try
        {
            owner = File.ReadAllText(Path.Combine(folder, OwnerFileName)).Trim();
        }
        catch (IOException)
        {
            // The holder may release the folder (and delete the file) between our lock attempt and this read.
            owner = "another process";
        }

        return new ArrayBusyException($"array {folder} is in use by {owner}; wait for it to finish or stop it");
    }
}
