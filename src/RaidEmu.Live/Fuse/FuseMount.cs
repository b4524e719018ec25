using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using RaidEmu.Core.Devices;

namespace RaidEmu.Live.Fuse;

/// <summary>
/// A FUSE file system holding one file, <c>NAME.img</c>, whose bytes are a block device: a fixed-size raw
/// image that mkfs, mount -o loop, fio and qemu-img use like any other. Served with direct_io so every
/// read and write reaches the array. libfuse calls back into static methods; each finds its mount through
/// the private data of the fuse context, a GC handle given to fuse_new.
/// </summary>
public sealed unsafe class FuseMount
{
    private const int ENOENT = 2;
    private const int EIO = 5;
    private const int EACCES = 13;
    private const int EBUSY = 16;
    private const int EINVAL = 22;
    private const int ENOSPC = 28;
    private const int EROFS = 30;
    private const int EOPNOTSUPP = 95;
    private readonly IBlockDevice _device;
    private readonly StatLayout _stat;
    private readonly byte[] _filePath;
    private readonly byte[] _fileName;
    private readonly bool _readOnly;
    private void* _fuse;
    private GCHandle _self;
    private Thread? _loop;
    private int _loopResult;

    private FuseMount(IBlockDevice device, StatLayout stat, string mountPoint, string fileName, bool readOnly)
    {
        _device = device;
        _stat = stat;
        MountPoint = Path.GetFullPath(mountPoint);
        FileName = fileName;
        _fileName = Encoding.UTF8.GetBytes(fileName);
        _filePath = Encoding.UTF8.GetBytes("/" + fileName);
        _readOnly = readOnly;
    }

    /// <summary>The directory the file system is mounted on.</summary>
    public string MountPoint { get; }

    /// <summary>The image's file name inside the mount.</summary>
    public string FileName { get; }

    /// <summary>Full path of the image.</summary>
    public string ImagePath => Path.Combine(MountPoint, FileName);

    /// <summary>Completes when the FUSE loop has ended (after an unmount).</summary>
    public Task Finished { get; private set; } = Task.CompletedTask;

    /// <summary>Mounts and starts serving on a background thread; <paramref name="fsName"/> shows in /proc/mounts.</summary>
    public static FuseMount Mount(IBlockDevice device, string mountPoint, string fileName, string fsName, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!FuseNative.IsAvailable(out string why))
        {
            throw new IOException($"FUSE is not available: {why}");
        }

        if (!Directory.Exists(mountPoint))
        {
            throw new DirectoryNotFoundException($"mount point {mountPoint} does not exist");
        }

        var mount = new FuseMount(device, StatLayout.For(RuntimeInformation.ProcessArchitecture)!, mountPoint, fileName, readOnly);
        mount.Start(fsName);
        return mount;
    }

    /// <summary>
    /// Unmounts (like umount) and waits for the loop to end. Returns false, still serving, when the image
    /// is busy, typically because a loop device still holds it.
    /// </summary>
    public bool TryUnmount(out string problem)
    {
        problem = "";
        if (FuseNative.Umount2(MountPoint, 0) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == EBUSY)
            {
                problem = $"{ImagePath} is busy: a loop device or an open file still holds it (detach it first: losetup -d, umount)";
                return false;
            }

            if (errno != EINVAL)
            {
                // Not root: let the setuid helper do it.
                using var helper = System.Diagnostics.Process.Start("fusermount3", ["-u", MountPoint]);
                helper.WaitForExit();
                if (helper.ExitCode != 0)
                {
                    problem = $"{MountPoint} could not be unmounted (errno {errno}); is it busy?";
                    return false;
                }
            }
        }

        Finished.Wait();
        var api = FuseNative.Functions;
        api.Unmount(_fuse);
        api.Destroy(_fuse);
        _fuse = null;
        _self.Free();
        return true;
    }

    private void Start(string fsName)
    {
        var api = FuseNative.Functions;
        var args = default(FuseNative.FuseArgs);
        string options = $"fsname={fsName.Replace(",", "\\,", StringComparison.Ordinal)},subtype=raidemu,auto_unmount";
        foreach (string arg in new[] { "raidemu", "-o", options })
        {
            byte[] bytes = Encoding.UTF8.GetBytes(arg + "\0");
            fixed (byte* p = bytes)
            {
                api.OptAddArg(&args, p);
            }
        }

        void** ops = stackalloc void*[FuseLayout.OperationCount];
        new Span<nint>(ops, FuseLayout.OperationCount).Clear();
        ops[FuseLayout.GetAttr] = (delegate* unmanaged[Cdecl]<byte*, byte*, void*, int>)&GetAttr;
        ops[FuseLayout.Chmod] = (delegate* unmanaged[Cdecl]<byte*, uint, void*, int>)&Chmod;
        ops[FuseLayout.Chown] = (delegate* unmanaged[Cdecl]<byte*, uint, uint, void*, int>)&Chown;
        ops[FuseLayout.Truncate] = (delegate* unmanaged[Cdecl]<byte*, long, void*, int>)&Truncate;
        ops[FuseLayout.Open] = (delegate* unmanaged[Cdecl]<byte*, byte*, int>)&Open;
        ops[FuseLayout.Read] = (delegate* unmanaged[Cdecl]<byte*, byte*, nuint, long, byte*, int>)&Read;
        ops[FuseLayout.Write] = (delegate* unmanaged[Cdecl]<byte*, byte*, nuint, long, byte*, int>)&Write;
        ops[FuseLayout.StatFs] = (delegate* unmanaged[Cdecl]<byte*, byte*, int>)&StatFs;
        ops[FuseLayout.Flush] = (delegate* unmanaged[Cdecl]<byte*, byte*, int>)&Nothing;
        ops[FuseLayout.Release] = (delegate* unmanaged[Cdecl]<byte*, byte*, int>)&Nothing;
        ops[FuseLayout.Fsync] = (delegate* unmanaged[Cdecl]<byte*, int, byte*, int>)&Fsync;
        ops[FuseLayout.ReadDir] = (delegate* unmanaged[Cdecl]<byte*, void*, delegate* unmanaged[Cdecl]<void*, byte*, void*, long, int, int>, long, void*, int, int>)&ReadDir;
        ops[FuseLayout.Utimens] = (delegate* unmanaged[Cdecl]<byte*, void*, void*, int>)&Utimens;
        ops[FuseLayout.Fallocate] = (delegate* unmanaged[Cdecl]<byte*, int, long, long, void*, int>)&Fallocate;

        // No init hook is set, so the context's private data stays the user data given here.
        _self = GCHandle.Alloc(this);
        _fuse = api.New(&args, ops, (nuint)(FuseLayout.OperationCount * sizeof(void*)), (void*)GCHandle.ToIntPtr(_self));
        api.OptFreeArgs(&args);
        if (_fuse == null)
        {
            _self.Free();
            throw new IOException("fuse_new failed");
        }

        byte[] mountPoint = Encoding.UTF8.GetBytes(MountPoint + "\0");
        int mounted;
        fixed (byte* p = mountPoint)
        {
            mounted = api.Mount(_fuse, p);
        }

        if (mounted != 0)
        {
            api.Destroy(_fuse);
            _fuse = null;
            _self.Free();
            throw new IOException($"cannot mount FUSE on {MountPoint} (is it already a mount point, or not empty?)");
        }

        var finished = new TaskCompletionSource();
        Finished = finished.Task;
        void* fuse = _fuse;
        _loop = new Thread(() =>
        {
            // clone_fd = 0: one /dev/fuse descriptor shared by libfuse's worker threads.
            _loopResult = FuseNative.Functions.LoopMt(fuse, 0);
            finished.TrySetResult();
        })
        {
            IsBackground = true,
            Name = "fuse loop",
        };
        _loop.Start();
    }

    private static bool IsRoot(byte* path) => path[0] == '/' && path[1] == 0;

    private int PowerCycle => (_device as IPowerCycledDevice)?.PowerCycle ?? 0;

    /// <summary>A handle opened before the last power loss belongs to a client that would have crashed with it.</summary>
    private bool Stale(byte* fileInfo) => fileInfo != null && *(ulong*)(fileInfo + FuseLayout.FileInfoHandle) != (ulong)PowerCycle;

    private bool IsImage(byte* path) => MemoryMarshal.CreateReadOnlySpanFromNullTerminated(path).SequenceEqual(_filePath);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int GetAttr(byte* path, byte* stat, void* fileInfo) => Guard(m =>
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (IsRoot(path))
        {
            m._stat.Write(stat, 0x4000 | 0x1ed, links: 2, size: 0, now); // S_IFDIR | 0755
        }
        else if (m.IsImage(path))
        {
            m._stat.Write(stat, 0x8000 | (m._readOnly ? 0x124u : 0x1a4u), links: 1, m._device.Length, now); // S_IFREG | 0444 or 0644
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
        fixed (byte* name = m._fileName)
        {
            byte* terminated = stackalloc byte[m._fileName.Length + 1];
            new Span<byte>(name, m._fileName.Length).CopyTo(new Span<byte>(terminated, m._fileName.Length));
            terminated[m._fileName.Length] = 0;
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
        if (m._readOnly && (flags & 3) != 0)
        {
            return -EROFS;
        }

        // direct_io: every read and write reaches the array; O_TRUNC is ignored (the size is fixed).
        *(uint*)(fileInfo + FuseLayout.FileInfoBits) |= FuseLayout.FileInfoDirectIo;
        *(ulong*)(fileInfo + FuseLayout.FileInfoHandle) = (ulong)m.PowerCycle;
        return 0;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Read(byte* path, byte* buffer, nuint size, long offset, byte* fileInfo) => Guard(m =>
    {
        if (m.Stale(fileInfo))
        {
            return -EIO;
        }

        long length = m._device.Length;
        if (offset >= length)
        {
            return 0;
        }

        int n = (int)Math.Min((long)size, length - offset);
        m._device.Read(offset, new Span<byte>(buffer, n));
        return n;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Write(byte* path, byte* buffer, nuint size, long offset, byte* fileInfo) => Guard(m =>
    {
        if (m.Stale(fileInfo))
        {
            return -EIO;
        }

        if (m._readOnly)
        {
            return -EROFS;
        }

        long length = m._device.Length;
        if (offset >= length)
        {
            return -ENOSPC;
        }

        int n = (int)Math.Min((long)size, length - offset);
        m._device.Write(offset, new ReadOnlySpan<byte>(buffer, n));
        return n;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Fsync(byte* path, int dataSync, byte* fileInfo) => Guard(m =>
    {
        if (m.Stale(fileInfo))
        {
            return -EIO;
        }

        m._device.Flush();
        return 0;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Truncate(byte* path, long size, void* fileInfo) => Guard(m =>
        !m.IsImage(path) ? -ENOENT : size == m._device.Length ? 0 : -EINVAL);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int StatFs(byte* path, byte* statvfs) => Guard(m =>
    {
        new Span<byte>(statvfs, FuseLayout.StatVfsSize).Clear();
        *(ulong*)(statvfs + FuseLayout.StatVfsBlockSize) = 4096;
        *(ulong*)(statvfs + FuseLayout.StatVfsFragmentSize) = 4096;
        *(ulong*)(statvfs + FuseLayout.StatVfsBlocks) = (ulong)(m._device.Length / 4096);
        *(ulong*)(statvfs + FuseLayout.StatVfsFiles) = 2;
        *(ulong*)(statvfs + FuseLayout.StatVfsNameMax) = 255;
        return 0;
    });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Fallocate(byte* path, int mode, long offset, long length, void* fileInfo) => -EOPNOTSUPP;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Nothing(byte* path, byte* fileInfo) => 0;

    // Accepted and ignored so that touch, cp -p and friends work on the image.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Utimens(byte* path, void* times, void* fileInfo) => 0;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Chmod(byte* path, uint mode, void* fileInfo) => 0;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Chown(byte* path, uint uid, uint gid, void* fileInfo) => 0;

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
        catch (Exception)
        {
            return -EIO;
        }
    }
}
