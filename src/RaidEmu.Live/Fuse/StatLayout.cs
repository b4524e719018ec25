using System.Runtime.InteropServices;

namespace RaidEmu.Live.Fuse;

/// <summary>
/// Where glibc's <c>struct stat</c> keeps the fields a getattr answer fills: the layout differs between
/// architectures, so a wrong one would scribble over libfuse's memory. Every field is written into a
/// cleared buffer at its offset; a field wider on one architecture (st_nlink and st_blksize are 8 bytes on
/// x86-64, 4 on arm64) gets its high bytes from the clearing, since the values are small.
/// </summary>
/// <param name="Size">sizeof(struct stat).</param>
/// <param name="Nlink">st_nlink.</param>
/// <param name="Mode">st_mode (4 bytes on both).</param>
/// <param name="FileSize">st_size (8 bytes).</param>
/// <param name="BlockSize">st_blksize.</param>
/// <param name="Blocks">st_blocks (8 bytes, in 512-byte units).</param>
/// <param name="Atime">st_atim.tv_sec; st_mtim and st_ctim follow 16 bytes apart.</param>
internal sealed record StatLayout(int Size, int Nlink, int Mode, int FileSize, int BlockSize, int Blocks, int Atime)
{
    /// <summary>x86-64: dev, ino, nlink (8), mode, uid, gid, pad, rdev, size, blksize (8), blocks, three timespecs, 3 longs reserved.</summary>
    public static readonly StatLayout X64 = new(Size: 144, Nlink: 16, Mode: 24, FileSize: 48, BlockSize: 56, Blocks: 64, Atime: 72);

    /// <summary>arm64 (the generic layout): dev, ino, mode, nlink (4), uid, gid, rdev, pad, size, blksize (4), pad, blocks, three timespecs, 2 ints reserved.</summary>
    public static readonly StatLayout Arm64 = new(Size: 128, Nlink: 20, Mode: 16, FileSize: 48, BlockSize: 56, Blocks: 64, Atime: 72);

    /// <summary>The layout of <paramref name="architecture"/>; null for one this binding does not know.</summary>
    public static StatLayout? For(Architecture architecture) => architecture switch
    {
        Architecture.X64 => X64,
        Architecture.Arm64 => Arm64,
        _ => null,
    };

    /// <summary>Fills <paramref name="stat"/> for a file or directory, all three times set to <paramref name="time"/>.</summary>
    public unsafe void Write(byte* stat, uint mode, uint links, long size, long time)
    {
        new Span<byte>(stat, Size).Clear();
        *(uint*)(stat + Nlink) = links;
        *(uint*)(stat + Mode) = mode;
        *(long*)(stat + FileSize) = size;
        *(int*)(stat + BlockSize) = 4096;
        *(long*)(stat + Blocks) = size / 512;
        for (int i = 0; i < 3; i++)
        {
            *(long*)(stat + Atime + (16 * i)) = time;
        }
    }
}
