using System.Buffers;
using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace RaidEmu.Core.Parity;

/// <summary>
/// XOR of N equally long sources into a destination in one pass over memory, the RAID 5 parity
/// and reconstruction primitive. The widest tier the CPU accelerates is chosen once at start-up.
/// </summary>
public static unsafe partial class XorParity
{
    // Above this destination size the parity will not stay in L2 anyway, so streaming stores that skip
    // the cache win 15-40 % on this machine type; below it they cost 20-40 %.
    internal const int NonTemporalThreshold = 256 * 1024;

    // Pointers for this many sources live on the stack; more are folded in groups.
    private const int MaxSourcesPerPass = 32;

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

        var pins = new MemoryHandle[sources.Length];
        byte** ptrs = stackalloc byte*[sources.Length];
        try
        {
            for (int i = 0; i < sources.Length; i++)
            {
                pins[i] = sources[i].Pin();
                ptrs[i] = (byte*)pins[i].Pointer;
            }

            fixed (byte* dest = destination)
            {
                Xor(ptrs, sources.Length, dest, length, kernel);
            }
        }
        finally
        {
            foreach (var pin in pins)
            {
                pin.Dispose();
            }
        }
    }

    /// <summary>
    /// The engine's entry point: sources and destination are already pinned. More sources than fit in
    /// one pass are folded in groups, the destination carrying the partial result into the next group.
    /// </summary>
    internal static void Xor(byte** sources, int count, byte* dest, int length, ParityKernel kernel)
    {
        Debug.Assert(count >= 1 && length >= 0);
        int done = Math.Min(count, MaxSourcesPerPass);
        Run(kernel, sources, done, dest, length);
        byte** group = stackalloc byte*[MaxSourcesPerPass];
        while (done < count)
        {
            int take = Math.Min(MaxSourcesPerPass - 1, count - done);
            group[0] = dest;
            for (int i = 0; i < take; i++)
            {
                group[i + 1] = sources[done + i];
            }

            Run(kernel, group, take + 1, dest, length);
            done += take;
        }
    }

    /// <summary>Xor on the best tier.</summary>
    internal static void Xor(byte** sources, int count, byte* dest, int length) => Xor(sources, count, dest, length, Best);

    /// <summary>Convenience form for two sources: destination = a ^ b.</summary>
    public static void Compute(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b, Span<byte> destination)
        => Compute([a, b], destination);

    private static void Run(ParityKernel kernel, byte** sources, int count, byte* dest, int length)
    {
        Debug.Assert(count >= 1);
        int done = kernel switch
        {
            ParityKernel.Vector512 => XorVectors<Vector512Ops, Vector512<byte>>(sources, count, dest, length),
            ParityKernel.Vector256 => XorVectors<Vector256Ops, Vector256<byte>>(sources, count, dest, length),
            ParityKernel.Vector128 => XorVectors<Vector128Ops, Vector128<byte>>(sources, count, dest, length),
            _ => 0,
        };
        XorScalar(sources, count, dest, done, length);
    }

    // The scalar loop runs last for every tier: it does the whole job on the scalar tier and only the
    // tail that is shorter than one vector step on the others.
    private static void XorScalar(byte** sources, int count, byte* dest, int start, int length)
    {
        int i = start;
        for (; i + sizeof(ulong) <= length; i += sizeof(ulong))
        {
            ulong acc = *(ulong*)(sources[0] + i);
            for (int s = 1; s < count; s++)
            {
                acc ^= *(ulong*)(sources[s] + i);
            }

            *(ulong*)(dest + i) = acc;
        }

        for (; i < length; i++)
        {
            byte acc = sources[0][i];
            for (int s = 1; s < count; s++)
            {
                acc ^= sources[s][i];
            }

            dest[i] = acc;
        }
    }
}
