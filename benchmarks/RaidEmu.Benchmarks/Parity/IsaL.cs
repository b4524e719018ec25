using System.Runtime.InteropServices;

namespace RaidEmu.Benchmarks.Parity;

/// <summary>Intel ISA-L's RAID XOR from the distribution's libisal2, the yardstick for the parity kernel.</summary>
internal static unsafe partial class IsaL
{
    private const string Library = "libisal.so.2";

    /// <summary>
    /// ISA-L's xor_gen: <paramref name="vects"/> pointers, the sources first and the destination last.
    /// Its header asks for 32-byte-aligned buffers; any length is accepted. The call skips the GC
    /// transition, as a C caller would pay none; this makes the yardstick only faster.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "xor_gen")]
    [SuppressGCTransition]
    internal static partial int XorGen(int vects, int len, void** array);

    /// <summary>True when the library loads on this machine.</summary>
    internal static bool IsAvailable => NativeLibrary.TryLoad(Library, out _);
}
