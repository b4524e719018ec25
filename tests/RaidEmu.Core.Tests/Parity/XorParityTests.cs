using RaidEmu.Core.Parity;

namespace RaidEmu.Core.Tests.Parity;

[TestClass]
public sealed class XorParityTests
{
    private static readonly int[] s_lengths = [0, 1, 63, 64, 65, 4095, 4096, (1024 * 1024) + 7];

    [TestMethod]
    [DataRow(ParityKernel.Vector128)]
    [DataRow(ParityKernel.Vector256)]
    [DataRow(ParityKernel.Vector512)]
    public void EveryTier_MatchesScalar_ForAwkwardLengthsAndSourceCounts(ParityKernel kernel)
    {
        if (!XorParity.IsSupported(kernel))
        {
            Assert.Inconclusive($"{kernel} is not accelerated on this machine");
        }

        var random = new Random(42);
        foreach (int length in s_lengths)
        {
            for (int count = 2; count <= 16; count++)
            {
                var sources = new ReadOnlyMemory<byte>[count];
                for (int i = 0; i < count; i++)
                {
                    var bytes = new byte[length];
                    random.NextBytes(bytes);
                    sources[i] = bytes;
                }

                var expected = new byte[length];
                var actual = new byte[length];
                XorParity.Compute(sources, expected, ParityKernel.Scalar);
                XorParity.Compute(sources, actual, kernel);
                CollectionAssert.AreEqual(expected, actual, $"length {length}, {count} sources");
            }
        }
    }

    [TestMethod]
    [DataRow(ParityKernel.Scalar)]
    [DataRow(ParityKernel.Vector128)]
    [DataRow(ParityKernel.Vector256)]
    [DataRow(ParityKernel.Vector512)]
    public void PointerEntry_EverySourceCount_UnalignedAndOddLengths_IsByteWiseXor(ParityKernel kernel)
    {
        if (!XorParity.IsSupported(kernel))
        {
            Assert.Inconclusive($"{kernel} is not accelerated on this machine");
        }

        var random = new Random(11);
        int[] lengths = [1, 7, 8, 63, 64, 65, 127, 128, 129, 255, 256, 257, 4096 + 24, 65536 + 3];
        foreach (int count in Enumerable.Range(1, 12).Append(33).Append(70))
        {
            foreach (int length in lengths)
            {
                // Each buffer starts at a different odd offset from a 64-byte boundary.
                using var block = new AlignedBuffer(((count + 1) * (length + 64)) + 64);
                var span = block.GetSpan();
                random.NextBytes(span);
                int Start(int i) => (i * (length + 64)) + 1 + (i % 61);
                var expected = new byte[length];
                for (int i = 0; i < count; i++)
                {
                    var source = span.Slice(Start(i), length);
                    for (int j = 0; j < length; j++)
                    {
                        expected[j] ^= source[j];
                    }
                }

                unsafe
                {
                    var pointers = new nint[count];
                    for (int i = 0; i < count; i++)
                    {
                        pointers[i] = (nint)(block.Pointer + Start(i));
                    }

                    byte* dest = block.Pointer + Start(count);
                    fixed (nint* p = pointers)
                    {
                        XorParity.Xor((byte**)p, count, dest, length, kernel);
                    }

                    CollectionAssert.AreEqual(expected, new Span<byte>(dest, length).ToArray(), $"{count} sources, length {length}");
                }
            }
        }
    }

    [TestMethod]
    public void PointerEntry_DestinationMayBeAnySource_ForEverySourceCount()
    {
        var random = new Random(12);
        foreach (int count in Enumerable.Range(2, 11))
        {
            foreach (int length in new[] { 100, 4096, 4096 + 72 })
            {
                for (int alias = 0; alias < count; alias += Math.Max(1, count - 1))
                {
                    using var block = new AlignedBuffer(count * length);
                    var span = block.GetSpan();
                    random.NextBytes(span);
                    var expected = new byte[length];
                    for (int i = 0; i < count; i++)
                    {
                        for (int j = 0; j < length; j++)
                        {
                            expected[j] ^= span[(i * length) + j];
                        }
                    }

                    unsafe
                    {
                        var pointers = new nint[count];
                        for (int i = 0; i < count; i++)
                        {
                            pointers[i] = (nint)(block.Pointer + (i * length));
                        }

                        fixed (nint* p = pointers)
                        {
                            XorParity.Xor((byte**)p, count, (byte*)pointers[alias], length);
                        }

                        CollectionAssert.AreEqual(expected, new Span<byte>((byte*)pointers[alias], length).ToArray(), $"{count} sources, length {length}, into source {alias}");
                    }
                }
            }
        }
    }

    [TestMethod]
    public void Compute_LargeEnoughToStream_MatchesScalar()
    {
        // Past the streaming threshold the vector tiers write around the cache; the bytes must not change.
        const int length = (4 << 20) + 64;
        var random = new Random(13);
        var sources = new ReadOnlyMemory<byte>[4];
        for (int i = 0; i < sources.Length; i++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            sources[i] = bytes;
        }

        using var actual = new AlignedBuffer(length);
        var expected = new byte[length];
        XorParity.Compute(sources, expected, ParityKernel.Scalar);
        XorParity.Compute(sources, actual.GetSpan());
        Assert.IsTrue(expected.AsSpan().SequenceEqual(actual.GetSpan()));
    }

    [TestMethod]
    public void Compute_AllocatesNothing()
    {
        var sources = new ReadOnlyMemory<byte>[8];
        for (int i = 0; i < sources.Length; i++)
        {
            sources[i] = new byte[4096];
        }

        var destination = new byte[4096];
        XorParity.Compute(sources, destination);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            XorParity.Compute(sources, destination);
        }

        Assert.AreEqual(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void Scalar_IsByteWiseXor()
    {
        byte[] a = [0x0f, 0xf0, 0xaa, 0x01, 2, 3, 4, 5, 6];
        byte[] b = [0xff, 0xff, 0x55, 0x01, 0, 0, 0, 0, 0xff];
        byte[] c = [0x01, 0x00, 0x00, 0x10, 1, 1, 1, 1, 1];
        var dest = new byte[9];
        XorParity.Compute([a, b, c], dest, ParityKernel.Scalar);
        CollectionAssert.AreEqual(new byte[] { 0xf1, 0x0f, 0xff, 0x10, 3, 2, 5, 4, 0xf8 }, dest);
    }

    [TestMethod]
    public void MoreSourcesThanOnePass_AreFoldedCorrectly()
    {
        var random = new Random(7);
        var sources = new ReadOnlyMemory<byte>[70];
        var expected = new byte[1000];
        for (int i = 0; i < sources.Length; i++)
        {
            var bytes = new byte[1000];
            random.NextBytes(bytes);
            sources[i] = bytes;
            for (int j = 0; j < bytes.Length; j++)
            {
                expected[j] ^= bytes[j];
            }
        }

        var actual = new byte[1000];
        XorParity.Compute(sources, actual);
        CollectionAssert.AreEqual(expected, actual);
    }

    [TestMethod]
    public void DestinationMayBeTheFirstSource()
    {
        using var buffer = new AlignedBuffer(1 << 20);
        var random = new Random(3);
        random.NextBytes(buffer.GetSpan());
        var other = new byte[1 << 20];
        random.NextBytes(other);
        var expected = new byte[1 << 20];
        XorParity.Compute(buffer.Memory, other, expected);
        XorParity.Compute(buffer.Memory, other, buffer.GetSpan());
        CollectionAssert.AreEqual(expected, buffer.GetSpan().ToArray());
    }

    [TestMethod]
    public void MismatchedLengths_AreRejected()
    {
        Assert.ThrowsExactly<ArgumentException>(() => XorParity.Compute(new byte[3], new byte[4], new byte[3]));
    }

    [TestMethod]
    public void Best_IsTheWidestSupportedTier()
    {
        Assert.IsTrue(XorParity.IsSupported(XorParity.Best));
        foreach (var wider in Enum.GetValues<ParityKernel>().Where(k => k > XorParity.Best))
        {
            Assert.IsFalse(XorParity.IsSupported(wider), $"{wider} is supported but {XorParity.Best} was chosen");
        }
    }

    [TestMethod]
    public void AlignedBuffer_IsCacheLineAligned()
    {
        using var buffer = new AlignedBuffer(100);
        unsafe
        {
            Assert.AreEqual(0UL, (ulong)buffer.Pointer % 64);
        }
    }
}
