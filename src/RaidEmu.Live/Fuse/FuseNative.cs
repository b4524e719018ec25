using System.Runtime.InteropServices;

namespace RaidEmu.Live.Fuse;

/// <summary>
/// The few libfuse3 entry points a one-file image needs, bound at run time. fuse_new and fuse_loop_mt are
/// taken at pinned symbol versions because their default versions changed shape between libfuse releases.
/// fuse_loop_mt's default is FUSE_3.2 in libfuse 3.2 to 3.11 (it takes a config and crashes on a NULL one)
/// and FUSE_3.12 from 3.12 on; FUSE_3.0 takes a plain clone_fd flag. fuse_new@FUSE_3.1 has the shape
/// called here: (args, operations, size of operations, user data).
/// </summary>
internal static unsafe partial class FuseNative
{
    public const string Library = "libfuse3.so.3";

    private static readonly Lazy<Api> s_api = new(Load);

    public static Api Functions => s_api.Value;

    /// <summary>True when this architecture's struct layouts are known, libfuse3 can be loaded and /dev/fuse exists.</summary>
    public static bool IsAvailable(out string why)
    {
        if (StatLayout.For(RuntimeInformation.ProcessArchitecture) == null)
        {
            why = $"the FUSE binding knows the memory layout of struct stat on x86-64 and arm64 only, not on {RuntimeInformation.ProcessArchitecture}";
            return false;
        }

        if (!File.Exists("/dev/fuse"))
        {
            why = "/dev/fuse does not exist";
            return false;
        }

        if (!NativeLibrary.TryLoad(Library, out _))
        {
            why = $"{Library} cannot be loaded (apt-get install fuse3 libfuse3-3)";
            return false;
        }

        why = "";
        return true;
    }

    [LibraryImport("libc", EntryPoint = "dlvsym", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint DlVSym(nint handle, string symbol, string version);

    [LibraryImport("libc", EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Umount2(string target, int flags);

    private static Api Load()
    {
        nint lib = NativeLibrary.Load(Library);
        nint Versioned(string name, string version)
        {
            nint p = DlVSym(lib, name, version);
            return p != 0 ? p : throw new EntryPointNotFoundException($"{Library} has no {name}@{version}");
        }

        return new Api
        {
            New = (delegate* unmanaged<FuseArgs*, void*, nuint, void*, void*>)Versioned("fuse_new", "FUSE_3.1"),
            LoopMt = (delegate* unmanaged<void*, int, int>)Versioned("fuse_loop_mt", "FUSE_3.0"),
            Mount = (delegate* unmanaged<void*, byte*, int>)NativeLibrary.GetExport(lib, "fuse_mount"),
            Unmount = (delegate* unmanaged<void*, void>)NativeLibrary.GetExport(lib, "fuse_unmount"),
            Destroy = (delegate* unmanaged<void*, void>)NativeLibrary.GetExport(lib, "fuse_destroy"),
            OptAddArg = (delegate* unmanaged<FuseArgs*, byte*, int>)NativeLibrary.GetExport(lib, "fuse_opt_add_arg"),
            OptFreeArgs = (delegate* unmanaged<FuseArgs*, void>)NativeLibrary.GetExport(lib, "fuse_opt_free_args"),
            GetContext = (delegate* unmanaged<byte*>)NativeLibrary.GetExport(lib, "fuse_get_context"),
            InvalidatePath = (delegate* unmanaged<void*, byte*, int>)Versioned("fuse_invalidate_path", "FUSE_3.1"),
        };
    }

    /// <summary>struct fuse_args.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FuseArgs
    {
        public int Argc;
        public nint Argv;
        public int Allocated;
    }

    public sealed class Api
    {
        public delegate* unmanaged<FuseArgs*, void*, nuint, void*, void*> New;
        public delegate* unmanaged<void*, int, int> LoopMt;
        public delegate* unmanaged<void*, byte*, int> Mount;
        public delegate* unmanaged<void*, void> Unmount;
        public delegate* unmanaged<void*, void> Destroy;
        public delegate* unmanaged<FuseArgs*, byte*, int> OptAddArg;
        public delegate* unmanaged<FuseArgs*, void> OptFreeArgs;
        public delegate* unmanaged<byte*> GetContext;

        /// <summary>fuse_invalidate_path(fuse, path): the kernel drops its cached pages and attributes of the file; -ENOENT when it holds no inode for it.</summary>
        public delegate* unmanaged<void*, byte*, int> InvalidatePath;
    }
}
