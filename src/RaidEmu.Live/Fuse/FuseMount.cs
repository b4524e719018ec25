using System.Runtime.InteropServices;
using System.Text;
using RaidEmu.Core.Devices;

using RaidEmu.Live.Hosting;

namespace RaidEmu.Live.Fuse;

/// <summary>
/// A FUSE file system holding one file, <c>NAME.img</c>, whose bytes are a block device: a fixed-size raw
/// image that mkfs, mount -o loop, fio and qemu-img use like any other. The kernel's page cache serves
/// repeated reads; writes go through it to the array before they return, but for the last part stripe of a
/// large write, which <see cref="WriteGather"/> holds until the next write completes it (or another write, a read
/// of it, a close, an fsync or a command). Whoever changes the array's bytes
/// by any other way (a power loss, a restart, a control command) calls <see cref="InvalidateCache"/>, so no
/// read returns bytes the array no longer holds. libfuse calls <see cref="FuseOperations"/>, which find the mount
/// through the private data of the fuse context: a GC handle to it, given to fuse_new.
/// </summary>
public sealed unsafe class FuseMount
{
    private const int ENOENT = 2;
    private const int EBUSY = 16;
    private const int ENODEV = 19;
    private const int EINVAL = 22;
    private readonly byte[] _filePath;
    private readonly byte[] _filePathTerminated;
    private readonly Lock _fuseGate = new();
    private void* _fuse;
    private GCHandle _self;
    private Thread? _loop;
    private int _loopResult;
    private uint _handles;

    private FuseMount(IBlockDevice device, StatLayout stat, string mountPoint, string fileName, bool readOnly)
    {
        Device = device;
        Stat = stat;
        MountPoint = Path.GetFullPath(mountPoint);
        FileName = fileName;
        FileNameBytes = Encoding.UTF8.GetBytes(fileName);
        _filePath = Encoding.UTF8.GetBytes("/" + fileName);
        _filePathTerminated = Encoding.UTF8.GetBytes("/" + fileName + "\0");
        ReadOnly = readOnly;
        Gather = new WriteGather(device, StripeBytes, RunningArray);
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

        // The kernel writes held bytes at every close; a connection aborted without one leaves them here.
        Gather.Drain();
        lock (_fuseGate)
        {
            var api = FuseNative.Functions;
            api.Unmount(_fuse);
            api.Destroy(_fuse);
            _fuse = null;
        }

        _self.Free();
        return true;
    }

    /// <summary>
    /// Drops whatever the kernel caches of the image, waiting for reads and writes in flight through it. Call
    /// it after the array's bytes changed other than through this mount (and after it went down or came
    /// back), so that reads fetch the array's bytes again, or fail while it is down. Never call it from a
    /// FUSE callback: the kernel may wait for that very request.
    /// </summary>
    public void InvalidateCache()
    {
        lock (_fuseGate)
        {
            if (_fuse == null)
            {
                return;
            }

            int result;
            fixed (byte* path = _filePathTerminated)
            {
                result = FuseNative.Functions.InvalidatePath(_fuse, path);
            }

            // -ENOENT: the kernel holds no inode of the image, hence no pages of it; -ENODEV: unmounted, so
            // nothing is cached either. Any other failure leaves pages that may be stale.
            if (result != 0 && result != -ENOENT && result != -ENODEV)
            {
                throw new IOException($"the kernel's cache of {ImagePath} could not be dropped (errno {-result})");
            }
        }
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
        FuseOperations.Fill(ops);

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

    internal IBlockDevice Device { get; }

    /// <summary>The partial stripe a sequential writer's last request left, held until the next one completes it.</summary>
    internal WriteGather Gather { get; }

    /// <summary>The data bytes of one RAID 5 stripe of the array served (0 for RAID 1), where large writes are cut.</summary>
    internal long StripeBytes => (Device as LiveVolume)?.StripeBytes ?? 0;

    /// <summary>The image's atime, mtime and ctime (Unix seconds).</summary>
    internal long MountedAt { get; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    internal bool ReadOnly { get; }

    internal StatLayout Stat { get; }

    internal byte[] FileNameBytes { get; }

    internal int PowerCycle => (Device as IPowerCycledDevice)?.PowerCycle ?? 0;

    /// <summary>A handle opened before the last power loss belongs to a client that would have crashed with it.</summary>
    internal bool Stale(byte* fileInfo) => fileInfo != null && (uint)*(ulong*)(fileInfo + FuseLayout.FileInfoHandle) != (uint)PowerCycle;

    /// <summary>The number <see cref="NewHandle"/> gave the handle (0 without one): whose held bytes were lost.</summary>
    internal static uint HandleNumber(byte* fileInfo) => fileInfo == null ? 0 : (uint)(*(ulong*)(fileInfo + FuseLayout.FileInfoHandle) >> 32);

    /// <summary>A new handle's fh: its number in the high half, the power cycle it was opened in in the low half.</summary>
    internal ulong NewHandle()
    {
        // 0 stands for "no handle"; after 2^32 opens the numbers wrap, which at worst tells a loss to a handle too many.
        uint number;
        do
        {
            number = Interlocked.Increment(ref _handles);
        }
        while (number == 0);

        return ((ulong)number << 32) | (uint)PowerCycle;
    }

    /// <summary>The running array behind the image when it can take writes; null while it is down or failed.</summary>
    internal IBlockDevice? RunningArray() => Device is LiveVolume live
        ? live.Current is { IsFailed: false } array ? array : null
        : Device;

    internal bool IsImage(byte* path) => MemoryMarshal.CreateReadOnlySpanFromNullTerminated(path).SequenceEqual(_filePath);
}
