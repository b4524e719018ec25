using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RaidEmu.Core.Devices;

namespace RaidEmu.Live.Fuse;

/// <summary>
/// The fuse_operations libfuse calls for a one-image file system. They are static (libfuse holds plain
/// function pointers); each finds its <see cref="FuseMount"/> through the private data of the fuse context.
/// The file system holds one file of fixed name, mode and owner: what would change that is refused, as
/// a read-only directory refuses it (EACCES for new names, EPERM for changes to the image). Other
/// unlisted operations stay NULL, which libfuse answers with ENOSYS.
/// </summary>
internal static unsafe class FuseOperations
{
    private const int EPERM = 1;
    private const int ENOENT = 2;
    private const int EIO = 5;
    private const int EACCES = 13;
    private const int EINVAL = 22;
    private const int ENOSPC = 28;
    private const int EROFS = 30;
    private const int EOPNOTSUPP = 95;

    /// <summary>Fills a fuse_operations table of <see cref="FuseLayout.OperationCount"/> slots.</summary>
    public static void Fill(void** operations)
    {
        new Span<nint>(operations, FuseLayout.OperationCount).Clear();
        operations[FuseLayout.GetAttr] = (delegate* unmanaged[Cdecl]<byte*, byte*, void*, int>)&GetAttr;
        operations[FuseLayout.Mknod] = (delegate* unmanaged[Cdecl]<byte*, uint, ulong, int>)&Mknod;
        operations[FuseLayout.Mkdir] = (delegate* unmanaged[Cdecl]<byte*, uint, int>)&Mkdir;
        operations[FuseLayout.Unlink] = (delegate* unmanaged[Cdecl]<byte*, int>)&Unlink;
        operations[FuseLayout.Rmdir] = (delegate* unmanaged[Cdecl]<byte*, int>)&Unlink;
        operations[FuseLayout.Symlink] = (delegate* unmanaged[Cdecl]<byte*, byte*, int>)&Symlink;
        operations[FuseLayout.Rename] = (delegate* unmanaged[Cdecl]<byte*, byte*, uint, int>)&Rename;
        operations[FuseLayout.Link] = (delegate* unmanaged[Cdecl]<byte*, byte*, int>)&Link;
        operations[FuseLayout.Chmod] = (delegate* unmanaged[Cdecl]<byte*, uint, void*, int>)&Chmod;
        operations[FuseLayout.Chown] = (delegate* unmanaged[Cdecl]<byte*, uint, uint, void*, int>)&Chown;
        operations[FuseLayout.Create] = (delegate* unmanaged[Cdecl]<byte*, uint, byte*, int>)&Create;
        operations[FuseLayout.Truncate] = (delegate* unmanaged[Cdecl]<byte*, long, void*, int>)&Truncate;
        operations[FuseLayout.Open] = (delegate* unmanaged[Cdecl]<byte*, byte*, int>)&Open;
        operations[FuseLayout.Read] = (delegate* unmanaged[Cdecl]<byte*, byte*, nuint, long, byte*, int>)&Read;
        operations[FuseLayout.Write] = (delegate* unmanaged[Cdecl]<byte*, byte*, nuint, long, byte*, int>)&Write;
        operations[FuseLayout.StatFs] = (delegate* unmanaged[Cdecl]<byte*, byte*, int>)&StatFs;
        operations[FuseLayout.Flush] = (delegate* unmanaged[Cdecl]<byte*, byte*, int>)&Flush;
        operations[FuseLayout.Release] = (delegate* unmanaged[Cdecl]<byte*, byte*, int>)&Release;
        operations[FuseLayout.Fsync] = (delegate* unmanaged[Cdecl]<byte*, int, byte*, int>)&Fsync;
        operations[FuseLayout.ReadDir] = (delegate* unmanaged[Cdecl]<byte*, void*, delegate* unmanaged[Cdecl]<void*, byte*, void*, long, int, int>, long, void*, int, int>)&ReadDir;
        operations[FuseLayout.Utimens] = (delegate* unmanaged[Cdecl]<byte*, void*, void*, int>)&Utimens;
        operations[FuseLayout.Fallocate] = (delegate* unmanaged[Cdecl]<byte*, int, long, long, void*, int>)&Fallocate;
    }

    private static bool IsRoot(byte* path) => path[0] == '/' && path[1] == 0;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetAttr(byte* path, byte* stat, void* fileInfo) => Guard(m =>
    {
        // A fixed time: the kernel drops an inode's cached pages when getattr reports a new mtime.
        long now = m.MountedAt;
        if (IsRoot(path))
        {
            m.Stat.Write(stat, 0x4000 | 0x1ed, links: 2, size: 0, now); // S_IFDIR | 0755
        }
        else if (m.IsImage(path))
        {
            m.Stat.Write(stat, 0x8000 | (m.ReadOnly ? 0x124u : 0x1a4u), links: 1, m.Device.Length, now); // S_IFREG | 0444 or 0644
        }
        else
        {
            return -ENOENT;
        }

        return 0;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ReadDir(byte* path, void* buffer, delegate* unmanaged[Cdecl]<void*, byte*, void*, long, int, int> filler, long offset, void* fileInfo, int flags) => Guard(m =>
    {
        if (!IsRoot(path))
        {
            return -ENOENT;
        }

        byte* dot = stackalloc byte[] { (byte)'.', 0 };
        byte* dotDot = stackalloc byte[] { (byte)'.', (byte)'.', 0 };
        filler(buffer, dot, null, 0, 0);
        filler(buffer, dotDot, null, 0, 0);
        fixed (byte* name = m.FileNameBytes)
        {
            byte* terminated = stackalloc byte[m.FileNameBytes.Length + 1];
            new Span<byte>(name, m.FileNameBytes.Length).CopyTo(new Span<byte>(terminated, m.FileNameBytes.Length));
            terminated[m.FileNameBytes.Length] = 0;
            filler(buffer, terminated, null, 0, 0);
        }

        return 0;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Open(byte* path, byte* fileInfo) => Guard(m =>
    {
        if (!m.IsImage(path))
        {
            return IsRoot(path) ? -EACCES : -ENOENT;
        }

        int flags = *(int*)(fileInfo + FuseLayout.FileInfoFlags);
        if (m.ReadOnly && (flags & 3) != 0)
        {
            return -EROFS;
        }

        // The kernel's page cache serves reads, kept across opens: the mount drops it whenever the array's
        // bytes change other than through a write here (FuseMount.InvalidateCache). The kernel's writeback cache
        // is not asked for: each write reaches the array before write() returns, but for the part stripe
        // WriteGather holds back (write-back for at most one stripe, written at the next write, a read of it, a
        // close, an fsync or a command), and fsync reaches the array's flush. O_TRUNC is ignored (the size is fixed).
        *(uint*)(fileInfo + FuseLayout.FileInfoBits) |= FuseLayout.FileInfoKeepCache;
        *(ulong*)(fileInfo + FuseLayout.FileInfoHandle) = m.NewHandle();
        return 0;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Read(byte* path, byte* buffer, nuint size, long offset, byte* fileInfo) => Guard(m =>
    {
        if (m.Stale(fileInfo))
        {
            return -EIO;
        }

        long length = m.Device.Length;
        if (offset >= length)
        {
            return 0;
        }

        int n = (int)Math.Min((long)size, length - offset);
        m.Gather.BeforeRead(offset, n);
        SplitIo.Read(m.Device, offset, buffer, n);
        return n;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Write(byte* path, byte* buffer, nuint size, long offset, byte* fileInfo) => Guard(m =>
    {
        // The array is taken before the handle is checked: a power loss in between leaves either a stale handle
        // or the array that is going away, so nothing this handle wrote can land in a restarted one.
        var array = m.RunningArray();
        if (m.Stale(fileInfo))
        {
            return -EIO;
        }

        if (m.ReadOnly)
        {
            return -EROFS;
        }

        long length = m.Device.Length;
        if (offset >= length)
        {
            return -ENOSPC;
        }

        int n = (int)Math.Min((long)size, length - offset);
        m.Gather.Write(offset, buffer, n, FuseMount.HandleNumber(fileInfo), array);
        return n;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Fsync(byte* path, int dataSync, byte* fileInfo) => Guard(m =>
    {
        if (m.Stale(fileInfo))
        {
            return -EIO;
        }

        m.Gather.Drain();
        if (m.Gather.TakeLoss(FuseMount.HandleNumber(fileInfo)) is { } loss)
        {
            return Errno(loss);
        }

        m.Device.Flush();
        return 0;
    });

    /// <summary>
    /// close(): what the mount holds back reaches the array before close returns, and a handle whose acknowledged bytes
    /// were lost while held (a failed write, a power loss) learns of it.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Flush(byte* path, byte* fileInfo) => Guard(m =>
    {
        m.Gather.Drain();
        return m.Gather.PeekLoss(FuseMount.HandleNumber(fileInfo)) is { } loss ? Errno(loss) : 0;
    });

    /// <summary>The last close of a handle (or its last mapping going away): held bytes are written, and its losses forgotten (the kernel ignores what release returns).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Release(byte* path, byte* fileInfo) => Guard(m =>
    {
        m.Gather.Drain();
        m.Gather.TakeLoss(FuseMount.HandleNumber(fileInfo));
        return 0;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Truncate(byte* path, long size, void* fileInfo) => Guard(m =>
        !m.IsImage(path) ? -ENOENT : size == m.Device.Length ? 0 : -EINVAL);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int StatFs(byte* path, byte* statvfs) => Guard(m =>
    {
        new Span<byte>(statvfs, FuseLayout.StatVfsSize).Clear();
        *(ulong*)(statvfs + FuseLayout.StatVfsBlockSize) = 4096;
        *(ulong*)(statvfs + FuseLayout.StatVfsFragmentSize) = 4096;
        *(ulong*)(statvfs + FuseLayout.StatVfsBlocks) = (ulong)(m.Device.Length / 4096);
        *(ulong*)(statvfs + FuseLayout.StatVfsFiles) = 2;
        *(ulong*)(statvfs + FuseLayout.StatVfsNameMax) = 255;
        return 0;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Fallocate(byte* path, int mode, long offset, long length, void* fileInfo) => -EOPNOTSUPP;

    // Accepted and ignored so that touch, cp -p and friends work on the image.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Utimens(byte* path, void* times, void* fileInfo) => 0;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Chmod(byte* path, uint mode, void* fileInfo) => -EPERM;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Chown(byte* path, uint uid, uint gid, void* fileInfo) => -EPERM;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Create(byte* path, uint mode, byte* fileInfo) => -EACCES;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Mknod(byte* path, uint mode, ulong device) => -EACCES;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Mkdir(byte* path, uint mode) => -EACCES;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Symlink(byte* target, byte* path) => -EACCES;

    // Unlink and rmdir alike: the image and the root stay.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Unlink(byte* path) => -EPERM;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Rename(byte* from, byte* to, uint flags) => -EPERM;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Link(byte* from, byte* to) => -EPERM;

    /// <summary>A full host file system is -ENOSPC, so the writer sees why; any other failure -EIO.</summary>
    private static int Errno(Exception failure) => failure is HostFullException ? -ENOSPC : -EIO;

    /// <summary>Callbacks run on libfuse's threads: an exception escaping would kill the process, so every one becomes -EIO.</summary>
    private static int Guard(Func<FuseMount, int> body)
    {
        byte* context = FuseNative.Functions.GetContext();
        nint data = context == null ? 0 : *(nint*)(context + FuseLayout.ContextPrivateData);
        if (data == 0 || GCHandle.FromIntPtr(data).Target is not FuseMount mount)
        {
            return -EIO;
        }

        try
        {
            return body(mount);
        }
        catch (HostFullException)
        {
            // The host's file system is full: not a disk fault, and the writer should see why.
            return -ENOSPC;
        }
        catch (Exception)
        {
            return -EIO;
        }
    }
}
