using RaidEmu.Core.Parity;

namespace RaidEmu.Core.Tests.Parity;

// A page is counted exactly when its columns do not XOR to zero: one flipped bit anywhere in it (its first byte,
// its last, the short last page, a byte the vector loop does not reach) counts, and consistent pages never do.
[TestClass]
public sealed unsafe class ParityCheckTests
{
    [TestMethod]
    [DataRow(2, 4096 * 8)]
    [DataRow(4, 4096 * 8)]
    [DataRow(5, (4096 * 3) + 1000)]
    [DataRow(3, 100)]
    [DataRow(17, 4096 + 127)]
    public void CountsExactlyThePagesWithAFlippedBit(int count, int width)
    {
        var random = new Random(count * width);
        var columns = Enumerable.Range(0, count).Select(_ => new byte[width]).ToArray();
        for (int k = 0; k < count - 1; k++)
        {
            random.NextBytes(columns[k]);
        }

        var parity = columns[count - 1];
        for (int k = 0; k < count - 1; k++)
        {
            for (int i = 0; i < width; i++)
            {
                parity[i] ^= columns[k][i];
            }
        }

        Assert.AreEqual(0, Count(columns, width), "consistent columns");

        // Flip one bit at distinct places (so no two flips cancel): the first byte, the last byte of a page, the very
        // last byte, and random ones.
        var flipped = new HashSet<int>();
        int[] places = [0, Math.Min(width, 4096) - 1, width - 1, .. Enumerable.Range(0, 4).Select(_ => random.Next(width))];
        foreach (int at in places.Distinct())
        {
            columns[random.Next(count)][at] ^= (byte)(1 << random.Next(8));
            flipped.Add(at / 4096);
            Assert.AreEqual(flipped.Count, Count(columns, width), $"after flipping byte {at}");
        }
    }

    private static int Count(byte[][] columns, int width)
    {
        var handles = columns.Select(c => (System.Buffers.MemoryHandle)c.AsMemory().Pin()).ToArray();
        try
        {
            byte** pointers = stackalloc byte*[columns.Length];
            for (int k = 0; k < columns.Length; k++)
            {
                pointers[k] = (byte*)handles[k].Pointer;
            }

            return ParityCheck.MismatchedPages(pointers, columns.Length, width, 4096);
        }
        finally
        {
            foreach (var handle in handles)
            {
                handle.Dispose();
            }
        }
    }
}
