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
