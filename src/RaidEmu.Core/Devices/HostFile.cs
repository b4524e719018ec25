using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RaidEmu.Core.Devices;

/// <summary>
/// The host-file facts .NET does not expose: a file's identity (device and inode), its link count, its real
/// allocation, full allocation up front, advisory locks held by others, and which I/O errors mean the host
/// file system is out of space rather than that the disk failed.
/// </summary>
public static partial class HostFile
{
    // errno values (the same on every Linux architecture).
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int Ewouldblock = 11;

    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int LockExclusive = 2;
    private const uint SyncFileRangeWrite = 2;
    private const int LockNonBlocking = 4;
    private const int LockUnlock = 8;

    // struct statx has one layout on every architecture, unlike struct stat.
    private const int StatxBytes = 256;
    private const int NlinkOffset = 16;
    private const int ModeOffset = 28;
    private const int InodeOffset = 32;
    private const int BlocksOffset = 48;
    private const int DevMajorOffset = 136;
    private const int DevMinorOffset = 140;

    /// <summary>Facts about the file at <paramref name="path"/>, following symbolic links.</summary>
    /// <exception cref="IOException">The file cannot be examined (it does not exist, for example).</exception>
    public static HostFileInfo Stat(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxBytes];
        if (StatX(AtFdCwd, path, 0, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            throw new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return Decode(buffer);
    }

    /// <summary>Facts about the open file behind <paramref name="handle"/>, even when its every name has been deleted.</summary>
    public static HostFileInfo Stat(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Span<byte> buffer = stackalloc byte[StatxBytes];
        using (var fd = new Descriptor(handle))
        {
            if (StatX(fd.Value, "", AtEmptyPath, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                throw new IOException($"fstat failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }

        return Decode(buffer);
    }

    /// <summary>True when another open file description holds an flock on <paramref name="path"/> (a process using it as a disk, for example).</summary>
    public static bool IsLockedByOther(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (IOException) when (File.Exists(path))
        {
            // .NET takes a shared flock on open and reports an exclusive one held elsewhere as a sharing violation.
            return true;
        }

        using var owned = handle;
        using var fd = new Descriptor(handle);
        if (Flock(fd.Value, LockExclusive | LockNonBlocking) == 0)
        {
            _ = Flock(fd.Value, LockUnlock);
            return false;
        }

        return Marshal.GetLastPInvokeError() == Ewouldblock;
    }

    /// <summary>
    /// True when <paramref name="error"/> says the host file system is full (ENOSPC) or the user's quota is
    /// used up (EDQUOT): the file's storage is fine, there is just no room to allocate more of it.
    /// </summary>
    public static bool IsOutOfSpace(IOException error) =>
        error is HostFullException || error?.HResult is Enospc or Edquot;

    /// <summary>Bytes free for an unprivileged user on the file system holding <paramref name="path"/> (an existing file or folder).</summary>
    public static long AvailableBytes(string path) => new DriveInfo(path).AvailableFreeSpace;

    /// <summary>Names the host file system holding <paramref name="path"/> by its mount point: "the host file system at /mnt".</summary>
    public static string Describe(string path)
    {
        try
        {
            var dir = new DirectoryInfo(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? "/");
            ulong device = Stat(dir.FullName).Device;
            while (dir.Parent is { } parent && Stat(parent.FullName).Device == device)
            {
                dir = parent;
            }

            return $"the host file system at {dir.FullName}";
        }
        catch (IOException)
        {
            return "the host file system";
        }
    }

    private static HostFileInfo Decode(ReadOnlySpan<byte> b)
    {
        ushort mode = BitConverter.ToUInt16(b[ModeOffset..]);
        ulong device = ((ulong)BitConverter.ToUInt32(b[DevMajorOffset..]) << 32) | BitConverter.ToUInt32(b[DevMinorOffset..]);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => HostFileKind.Regular,
            0x4000 => HostFileKind.Directory,
            0x2000 => HostFileKind.CharacterDevice,
            0x6000 => HostFileKind.BlockDevice,
            0x1000 => HostFileKind.Pipe,
            _ => HostFileKind.Other,
        };
        return new HostFileInfo(
            device,
            BitConverter.ToUInt64(b[InodeOffset..]),
            BitConverter.ToUInt32(b[NlinkOffset..]),
            (long)BitConverter.ToUInt64(b[BlocksOffset..]) * 512,
            kind);
    }

    /// <summary>The file descriptor of a handle, kept from being closed and reused until disposed.</summary>
    private ref struct Descriptor
    {
        private readonly SafeFileHandle _handle;
        private bool _added;

        public Descriptor(SafeFileHandle handle)
        {
            _handle = handle;
            handle.DangerousAddRef(ref _added);
            Value = (int)handle.DangerousGetHandle();
        }

        public int Value { get; }

        public void Dispose()
        {
            if (_added)
            {
                _handle.DangerousRelease();
                _added = false;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatX(int dirFd, string path, int flags, uint mask, ref byte buffer);

    /// <summary>
    /// Asks the host to start writing [offset, offset+length) of the file to its disk and returns without
    /// waiting (sync_file_range with SYNC_FILE_RANGE_WRITE). Only a hint: where the file system cannot, nothing
    /// changes, and the flush that follows still makes the bytes durable.
    /// </summary>
    internal static void StartWriteBack(SafeFileHandle handle, long offset, long length)
    {
        using var fd = new Descriptor(handle);
        _ = SyncFileRange(fd.Value, offset, length, SyncFileRangeWrite);
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int fd, long offset, long length, uint flags);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);
}
