using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RaidEmu.Core.Parity;

public static unsafe partial class XorParity
{
    /// <summary>One lane width of the kernel: how to load, combine and store a unit of it.</summary>
    private interface IVectorOps<TVector>
        where TVector : struct
    {
        static abstract int Width { get; }

        static abstract TVector Load(ref byte source, nuint offset);

        static abstract TVector Xor(TVector a, TVector b);

        static abstract TVector Xor3(TVector a, TVector b, TVector c);

        static abstract void Store(byte* p, TVector v);

        static abstract void StoreNonTemporal(byte* p, TVector v);
    }

    private readonly struct Vector512Ops : IVectorOps<Vector512<byte>>
    {
        public static int Width => 64;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> Load(ref byte source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> Xor(Vector512<byte> a, Vector512<byte> b) => a ^ b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<byte> Xor3(Vector512<byte> a, Vector512<byte> b, Vector512<byte> c) => a ^ b ^ c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(byte* p, Vector512<byte> v) => v.Store(p);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreNonTemporal(byte* p, Vector512<byte> v) => v.StoreAlignedNonTemporal(p);
    }

    private readonly struct Vector256Ops : IVectorOps<Vector256<byte>>
    {
        public static int Width => 32;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Load(ref byte source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Xor(Vector256<byte> a, Vector256<byte> b) => a ^ b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Xor3(Vector256<byte> a, Vector256<byte> b, Vector256<byte> c) => a ^ b ^ c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(byte* p, Vector256<byte> v) => v.Store(p);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreNonTemporal(byte* p, Vector256<byte> v) => v.StoreAlignedNonTemporal(p);
    }

    private readonly struct Vector128Ops : IVectorOps<Vector128<byte>>
    {
        public static int Width => 16;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Load(ref byte source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Xor(Vector128<byte> a, Vector128<byte> b) => a ^ b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Xor3(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c) => a ^ b ^ c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(byte* p, Vector128<byte> v) => v.Store(p);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreNonTemporal(byte* p, Vector128<byte> v) => v.StoreAlignedNonTemporal(p);
    }

    /// <summary>64-bit words: the whole job on the scalar tier, the tail shorter than a vector on the others.</summary>
    private readonly struct ScalarOps : IVectorOps<ulong>
    {
        public static int Width => sizeof(ulong);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Load(ref byte source, nuint offset) => Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, offset));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Xor(ulong a, ulong b) => a ^ b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Xor3(ulong a, ulong b, ulong c) => a ^ b ^ c;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(byte* p, ulong v) => Unsafe.WriteUnaligned(p, v);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreNonTemporal(byte* p, ulong v) => Unsafe.WriteUnaligned(p, v);
    }

    /// <summary>Single bytes: the last few bytes of a length that is not a multiple of eight.</summary>
    private readonly struct ByteOps : IVectorOps<byte>
    {
        public static int Width => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static byte Load(ref byte source, nuint offset) => Unsafe.Add(ref source, offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static byte Xor(byte a, byte b) => (byte)(a ^ b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static byte Xor3(byte a, byte b, byte c) => (byte)(a ^ b ^ c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(byte* p, byte v) => *p = v;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreNonTemporal(byte* p, byte v) => *p = v;
    }
}
