using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RaidEmu.Core.Parity;

/// <summary>
/// XOR of N equally long sources into a destination in one pass over memory, the RAID 5 parity
/// and reconstruction primitive. The widest tier the CPU accelerates is chosen once at start-up.
/// </summary>
public static unsafe partial class XorParity
{
    // Above this many bytes touched per call (sources and destination) the data has left the caches
    // anyway, so streaming stores that skip them save the read-for-ownership of the destination;
    // below it they send to memory what the next reader would have found in cache.
    internal const long NonTemporalThreshold = 16L << 20;

    /// <summary>The fastest tier this machine accelerates; what <see cref="Compute(ReadOnlySpan{ReadOnlyMemory{byte}}, Span{byte})"/> uses.</summary>
    public static ParityKernel Best { get; } =
        Vector512.IsHardwareAccelerated ? ParityKernel.Vector512
        : Vector256.IsHardwareAccelerated ? ParityKernel.Vector256
        : Vector128.IsHardwareAccelerated ? ParityKernel.Vector128
        : ParityKernel.Scalar;

    /// <summary>True when <paramref name="kernel"/> can run on this machine.</summary>
    public static bool IsSupported(ParityKernel kernel) => kernel switch
    {
        ParityKernel.Scalar => true,
        ParityKernel.Vector128 => Vector128.IsHardwareAccelerated,
        ParityKernel.Vector256 => Vector256.IsHardwareAccelerated,
        ParityKernel.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>
    /// destination = sources[0] ^ sources[1] ^ ... The destination may be the same memory as a source
    /// (at the same offset), which is how read-modify-write folds new data into old parity.
    /// Nothing is allocated or pinned per call.
    /// </summary>
    public static void Compute(ReadOnlySpan<ReadOnlyMemory<byte>> sources, Span<byte> destination)
        => Compute(sources, destination, Best);

    /// <summary>As <see cref="Compute(ReadOnlySpan{ReadOnlyMemory{byte}}, Span{byte})"/>, on a chosen tier (for tests and benchmarks).</summary>
    public static void Compute(ReadOnlySpan<ReadOnlyMemory<byte>> sources, Span<byte> destination, ParityKernel kernel)
    {
        if (sources.IsEmpty)
        {
            throw new ArgumentException("at least one source is needed", nameof(sources));
        }

        if (!IsSupported(kernel))
        {
            throw new PlatformNotSupportedException($"the {kernel} parity kernel is not accelerated on this machine");
        }

        int length = destination.Length;
        foreach (var source in sources)
        {
            if (source.Length != length)
            {
                throw new ArgumentException("every source must be as long as the destination", nameof(sources));
            }
        }

        if (length == 0)
        {
            return;
        }

        // The sources travel as managed references, which the GC updates if it moves an array, so
        // only the destination is pinned, and that by a fixed local, which costs nothing.
        fixed (byte* dest = destination)
        {
            Dispatch(new MemorySources(sources), dest, (nuint)length, kernel);
        }
    }

    /// <summary>Convenience form for two sources: destination = a ^ b.</summary>
    public static void Compute(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b, Span<byte> destination)
        => Compute([a, b], destination);

    /// <summary>
    /// The engine's entry point, on the best tier: sources and destination are already pinned. The
    /// tier is a JIT-time constant here, so the only dispatch left is the one on the source count.
    /// </summary>
    internal static void Xor(byte** sources, int count, byte* dest, int length)
    {
        Debug.Assert(count >= 1 && length >= 0);
        var list = new PointerSources(sources, count);
        if (Vector512.IsHardwareAccelerated)
        {
            XorAll<PointerSources, Vector512Ops, Vector512<byte>>(list, dest, (nuint)length);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            XorAll<PointerSources, Vector256Ops, Vector256<byte>>(list, dest, (nuint)length);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            XorAll<PointerSources, Vector128Ops, Vector128<byte>>(list, dest, (nuint)length);
        }
        else
        {
            XorAll<PointerSources, ScalarOps, ulong>(list, dest, (nuint)length);
        }
    }

    /// <summary>As <see cref="Xor(byte**, int, byte*, int)"/>, on a chosen tier (for tests and benchmarks).</summary>
    internal static void Xor(byte** sources, int count, byte* dest, int length, ParityKernel kernel)
    {
        Debug.Assert(count >= 1 && length >= 0);
        Dispatch(new PointerSources(sources, count), dest, (nuint)length, kernel);
    }

    private static void Dispatch<TList>(TList list, byte* dest, nuint length, ParityKernel kernel)
        where TList : ISourceList, allows ref struct
    {
        switch (kernel)
        {
            case ParityKernel.Vector512:
                XorAll<TList, Vector512Ops, Vector512<byte>>(list, dest, length);
                break;
            case ParityKernel.Vector256:
                XorAll<TList, Vector256Ops, Vector256<byte>>(list, dest, length);
                break;
            case ParityKernel.Vector128:
                XorAll<TList, Vector128Ops, Vector128<byte>>(list, dest, length);
                break;
            default:
                XorAll<TList, ScalarOps, ulong>(list, dest, length);
                break;
        }
    }

    /// <summary>Where the sources come from: the engine's pinned pointers or the public API's memories.</summary>
    private interface ISourceList
    {
        int Count { get; }

        ref byte At(int index);
    }

    private readonly struct PointerSources(byte** sources, int count) : ISourceList
    {
        public int Count => count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref byte At(int index) => ref *sources[index];
    }

    private readonly ref struct MemorySources(ReadOnlySpan<ReadOnlyMemory<byte>> sources) : ISourceList
    {
        private readonly ReadOnlySpan<ReadOnlyMemory<byte>> _sources = sources;

        public int Count => _sources.Length;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref byte At(int index) => ref MemoryMarshal.GetReference(_sources[index].Span);
    }
}
