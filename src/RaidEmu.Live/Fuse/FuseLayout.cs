namespace RaidEmu.Live.Fuse;

/// <summary>
/// The libfuse3 structures whose layout is the same on every 64-bit Linux this binding runs on (x86-64,
/// arm64): pointers and longs are 8 bytes and bit fields fill from the low bit.
/// </summary>
internal static class FuseLayout
{
    /// <summary>struct fuse_operations of libfuse 3: 42 function pointers; fuse_new is given its size.</summary>
    public const int OperationCount = 42;

    public const int GetAttr = 0;
    public const int Mknod = 2;
    public const int Mkdir = 3;
    public const int Unlink = 4;
    public const int Rmdir = 5;
    public const int Symlink = 6;
    public const int Rename = 7;
    public const int Link = 8;
    public const int Chmod = 9;
    public const int Chown = 10;
    public const int Truncate = 11;
    public const int Open = 12;
    public const int Read = 13;
    public const int Write = 14;
    public const int StatFs = 15;
    public const int Flush = 16;
    public const int Release = 17;
    public const int Fsync = 18;
    public const int ReadDir = 24;
    public const int Create = 30;
    public const int Utimens = 32;
    public const int Fallocate = 39;

    /// <summary>struct fuse_file_info: int flags, then a word of bit fields (writepage, direct_io, keep_cache from bit 0), then the 64-bit fh at 16.</summary>
    public const int FileInfoFlags = 0;
    public const int FileInfoBits = 4;
    public const uint FileInfoKeepCache = 0x4;
    public const int FileInfoHandle = 16;

    /// <summary>struct fuse_context: fuse*, uid, gid, pid, then private_data (fuse_new's user_data while no init hook replaces it).</summary>
    public const int ContextPrivateData = 24;

    /// <summary>struct statvfs: unsigned longs bsize 0, frsize 8, blocks 16, ..., files 40, ..., namemax 80; 112 bytes in all.</summary>
    public const int StatVfsSize = 112;
    public const int StatVfsBlockSize = 0;
    public const int StatVfsFragmentSize = 8;
    public const int StatVfsBlocks = 16;
    public const int StatVfsFiles = 40;
    public const int StatVfsNameMax = 80;
}
