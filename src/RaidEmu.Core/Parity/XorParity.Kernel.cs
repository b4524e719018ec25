using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace RaidEmu.Core.Parity;

public static unsafe partial class XorParity
{
    // The kernel is compiled once per source count up to this, with every source address in a register.
    private const int MaxSourcesPerPass = 8;

    /// <summary>
    /// Up to eight sources in one pass; more are folded in further passes of seven, the destination
    /// carrying the partial result (it may alias a source, so it can be a source itself).
    /// </summary>
    private static void XorAll<TList, TOps, TVector>(TList list, byte* dest, nuint length)
        where TList : ISourceList, allows ref struct
        where TOps : struct, IVectorOps<TVector>
        where TVector : struct
    {
        int count = list.Count;
        int first = Math.Min(count, MaxSourcesPerPass);
        int alias = count > MaxSourcesPerPass ? LateAlias(list, dest) : -1;
        SourceRefs refs = default;
        Fill(ref refs, list, alias, 0, 0, first);
        ByCount<TOps, TVector>(ref refs, first, dest, length);
        for (int done = first; done < count;)
        {
            int take = Math.Min(MaxSourcesPerPass - 1, count - done);
            refs.S0 = ref *dest;
            Fill(ref refs, list, alias, 1, done, take);
            ByCount<TOps, TVector>(ref refs, take + 1, dest, length);
            done += take;
        }
    }

    // A source past the first pass that is the destination itself would be overwritten by that pass
    // before it is read; such a source is moved to the front of the order.
    private static int LateAlias<TList>(TList list, byte* dest)
        where TList : ISourceList, allows ref struct
    {
        for (int i = MaxSourcesPerPass; i < list.Count; i++)
        {
            if (Unsafe.AreSame(ref list.At(i), ref *dest))
            {
                return i;
            }
        }

        return -1;
    }

    // Slots firstSlot.. of the pass get sources from.. of the list, in an order that puts the source
    // at index alias (if not -1) first.
    private static void Fill<TList>(ref SourceRefs refs, TList list, int alias, int firstSlot, int from, int take)
        where TList : ISourceList, allows ref struct
    {
        for (int k = 0; k < take; k++)
        {
            int index = from + k;
            if (alias >= 0)
            {
                index = index == 0 ? alias : index <= alias ? index - 1 : index;
            }

            switch (firstSlot + k)
            {
                case 0: refs.S0 = ref list.At(index); break;
                case 1: refs.S1 = ref list.At(index); break;
                case 2: refs.S2 = ref list.At(index); break;
                case 3: refs.S3 = ref list.At(index); break;
                case 4: refs.S4 = ref list.At(index); break;
                case 5: refs.S5 = ref list.At(index); break;
                case 6: refs.S6 = ref list.At(index); break;
                default: refs.S7 = ref list.At(index); break;
            }
        }
    }

    private static void ByCount<TOps, TVector>(ref SourceRefs refs, int count, byte* dest, nuint length)
        where TOps : struct, IVectorOps<TVector>
        where TVector : struct
    {
        switch (count)
        {
            case 1:
                Run<TOps, TVector, One>(ref refs, dest, length);
                break;
            case 2:
                Run<TOps, TVector, Two>(ref refs, dest, length);
                break;
            case 3:
                Run<TOps, TVector, Three>(ref refs, dest, length);
                break;
            case 4:
                Run<TOps, TVector, Four>(ref refs, dest, length);
                break;
            case 5:
                Run<TOps, TVector, Five>(ref refs, dest, length);
                break;
            case 6:
                Run<TOps, TVector, Six>(ref refs, dest, length);
                break;
            case 7:
                Run<TOps, TVector, Seven>(ref refs, dest, length);
                break;
            default:
                Run<TOps, TVector, Eight>(ref refs, dest, length);
                break;
        }
    }

    // Whole vectors first, then what is left in 8-byte words, then single bytes: one kernel at three widths.
    private static void Run<TOps, TVector, TCount>(ref SourceRefs refs, byte* dest, nuint length)
        where TOps : struct, IVectorOps<TVector>
        where TVector : struct
        where TCount : struct, ISourceCount
    {
        nuint done = Pass<TOps, TVector, TCount>(ref refs, dest, 0, length);
        if (done < length)
        {
            Tail<TCount>(ref refs, dest, done, length);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Tail<TCount>(ref SourceRefs refs, byte* dest, nuint start, nuint length)
        where TCount : struct, ISourceCount
    {
        nuint done = Pass<ScalarOps, ulong, TCount>(ref refs, dest, start, length);
        Pass<ByteOps, byte, TCount>(ref refs, dest, done, length);
    }

    /// <summary>
    /// One pass from <paramref name="start"/>, four vectors per iteration and then one at a time; returns
    /// where it stopped (less than one vector before the end). Every source is loaded before the store
    /// to the same offset, which is what lets the destination alias a source.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static nuint Pass<TOps, TVector, TCount>(ref SourceRefs refs, byte* dest, nuint start, nuint length)
        where TOps : struct, IVectorOps<TVector>
        where TVector : struct
        where TCount : struct, ISourceCount
    {
        ref byte s0 = ref refs.S0;
        ref byte s1 = ref refs.S1;
        ref byte s2 = ref refs.S2;
        ref byte s3 = ref refs.S3;
        ref byte s4 = ref refs.S4;
        ref byte s5 = ref refs.S5;
        ref byte s6 = ref refs.S6;
        ref byte s7 = ref refs.S7;
        nuint width = (nuint)TOps.Width;
        nuint i = start;
        bool streaming = TOps.Width >= 16
            && (long)length * (TCount.Value + 1) >= NonTemporalThreshold
            && (nuint)dest % width == 0;
        if (streaming)
        {
            for (; i + (2 * width) <= length; i += 2 * width)
            {
                TOps.StoreNonTemporal(dest + i, Fold<TOps, TVector, TCount>(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, i));
                TOps.StoreNonTemporal(dest + i + width, Fold<TOps, TVector, TCount>(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, i + width));
            }

            if (Sse.IsSupported)
            {
                // Streaming stores are weakly ordered; fence so later readers see them.
                Sse.StoreFence();
            }
        }
        else
        {
            for (; i + (2 * width) <= length; i += 2 * width)
            {
                TOps.Store(dest + i, Fold<TOps, TVector, TCount>(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, i));
                TOps.Store(dest + i + width, Fold<TOps, TVector, TCount>(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, i + width));
            }
        }

        for (; i + width <= length; i += width)
        {
            TOps.Store(dest + i, Fold<TOps, TVector, TCount>(ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7, i));
        }

        return i;
    }

    // The XOR of every source at one offset; three-way XORs become one vpternlog on AVX-512.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Fold<TOps, TVector, TCount>(
        ref byte s0, ref byte s1, ref byte s2, ref byte s3, ref byte s4, ref byte s5, ref byte s6, ref byte s7, nuint at)
        where TOps : struct, IVectorOps<TVector>
        where TVector : struct
        where TCount : struct, ISourceCount
    {
        int n = TCount.Value;
        TVector a = n >= 3 ? TOps.Xor3(TOps.Load(ref s0, at), TOps.Load(ref s1, at), TOps.Load(ref s2, at))
            : n == 2 ? TOps.Xor(TOps.Load(ref s0, at), TOps.Load(ref s1, at))
            : TOps.Load(ref s0, at);
        if (n >= 5)
        {
            a = TOps.Xor3(a, TOps.Load(ref s3, at), TOps.Load(ref s4, at));
        }
        else if (n == 4)
        {
            a = TOps.Xor(a, TOps.Load(ref s3, at));
        }

        if (n >= 7)
        {
            a = TOps.Xor3(a, TOps.Load(ref s5, at), TOps.Load(ref s6, at));
        }
        else if (n == 6)
        {
            a = TOps.Xor(a, TOps.Load(ref s5, at));
        }

        if (n == 8)
        {
            a = TOps.Xor(a, TOps.Load(ref s7, at));
        }

        return a;
    }

    /// <summary>The sources of one pass as managed references: no pinning, and the GC may still move them.</summary>
    private ref struct SourceRefs
    {
        public ref byte S0;
        public ref byte S1;
        public ref byte S2;
        public ref byte S3;
        public ref byte S4;
        public ref byte S5;
        public ref byte S6;
        public ref byte S7;
    }

    /// <summary>A source count as a type, so each count gets its own compiled kernel with the count folded in.</summary>
    private interface ISourceCount
    {
        static abstract int Value { get; }
    }

    private readonly struct One : ISourceCount
    {
        public static int Value => 1;
    }

    private readonly struct Two : ISourceCount
    {
        public static int Value => 2;
    }

    private readonly struct Three : ISourceCount
    {
        public static int Value => 3;
    }

    private readonly struct Four : ISourceCount
    {
        public static int Value => 4;
    }

    private readonly struct Five : ISourceCount
    {
        public static int Value => 5;
    }

    private readonly struct Six : ISourceCount
    {
        public static int Value => 6;
    }

    private readonly struct Seven : ISourceCount
    {
        public static int Value => 7;
    }

    private readonly struct Eight : ISourceCount
    {
        public static int Value => 8;
    }
}
