using RaidEmu.Core.Parity;

namespace RaidEmu.Core.Tests.Parity;

/// <summary>
/// Scratch buffers, small (from malloc) and large (mapped from the kernel and given back when disposed):
/// zeroed, aligned for whole cache lines, and holding what is written into them.
/// </summary>
[TestClass]
public sealed unsafe class AlignedBufferTests
{
    [TestMethod]
    [DataRow(100)]
    [DataRow(64 * 1024)]
    [DataRow(2 * 1024 * 1024)]
    public void ANewBuffer_IsZeroed_Aligned_AndKeepsItsBytes(int length)
    {
        var buffer = new AlignedBuffer(length);
        try
        {
            var span = buffer.GetSpan();
            Assert.AreEqual(length, span.Length);
            Assert.AreEqual(0, (long)buffer.Pointer % 64, "aligned to a cache line");
            Assert.IsTrue(span.IndexOfAnyExcept((byte)0) < 0, "zeroed");
            var bytes = new byte[length];
            new Random(length).NextBytes(bytes);
            bytes.CopyTo(span);
            CollectionAssert.AreEqual(bytes, buffer.GetSpan().ToArray());
        }
        finally
        {
            ((IDisposable)buffer).Dispose();
        }

        ((IDisposable)buffer).Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => buffer.GetSpan());
    }
}
