using RaidEmu.Cli.Commands;
using RaidEmu.Core.Devices;

namespace RaidEmu.Cli.Tests;

// ReadOut reads the next block while the last is consumed: the bytes must still arrive in order, a failed block must
// surface as itself in the order of the volume, and a consumer that throws must not leave a reader behind.
[TestClass]
public sealed class ReadOutTests
{
    private const int Block = 4 * 1024 * 1024; // what VolumeCommands uses for a device that is not a RAID 5 array

    [TestMethod]
    [DataRow(0L)]
    [DataRow(4096L)]
    [DataRow((long)Block)]
    [DataRow((long)Block + 1)]
    [DataRow((7L * Block) + 12345)]
    public void EveryByteArrivesInOrder(long length)
    {
        using var device = Filled((8L * Block) + 65536);
        long offset = 4096 + 512;
        length = Math.Min(length, device.Length - offset);
        using var got = new MemoryStream();

        long done = VolumeCommands.ReadOut(device, offset, length, got.Write);

        Assert.AreEqual(length, done);
        var want = new byte[length];
        device.Read(offset, want);
        CollectionAssert.AreEqual(want, got.ToArray());
    }

    [TestMethod]
    public void AFailedBlockSurfacesAfterTheBlocksBeforeIt()
    {
        using var inner = Filled(9L * Block);
        using var device = new FailingDevice(inner, failAt: (5L * Block) + 100);
        long consumed = 0;

        var error = Assert.ThrowsExactly<IOException>(() => VolumeCommands.ReadOut(device, 0, device.Length, bytes => consumed += bytes.Length));

        Assert.AreEqual("medium error in block 5", error.Message);
        Assert.AreEqual(5L * Block, consumed, "the five blocks before the failed one are handed over, none after it");
    }

    [TestMethod]
    public void AConsumerThatThrowsStopsTheReaders()
    {
        using var inner = Filled(12L * Block);
        using var device = new FailingDevice(inner, failAt: -1);
        int calls = 0;

        Assert.ThrowsExactly<InvalidOperationException>(() => VolumeCommands.ReadOut(device, 0, device.Length, _ =>
        {
            if (++calls == 2)
            {
                throw new InvalidOperationException("output full");
            }
        }));

        long readsWhenStopped = device.Reads;
        Thread.Sleep(50);
        Assert.AreEqual(readsWhenStopped, device.Reads, "no reader keeps reading once ReadOut has returned");
        Assert.IsTrue(readsWhenStopped <= 5, $"readers stay at most three blocks ahead, read {readsWhenStopped}");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void ReadersAskedFor_AreTheMostReadingAtOnce(int readers)
    {
        using var inner = Filled(8L * Block);
        using var device = new FailingDevice(inner, failAt: -1);
        using var got = new MemoryStream();

        VolumeCommands.ReadOut(device, 0, device.Length, got.Write, readers);

        CollectionAssert.AreEqual(ReadAll(inner), got.ToArray());
        Assert.IsTrue(device.MostAtOnce <= readers, $"{device.MostAtOnce} reads at once; with one reader (an array with seeded faults) no two overlap");
        if (readers == 1)
        {
            CollectionAssert.AreEqual(Enumerable.Range(0, 8).Select(b => (long)b * Block).ToList(), device.Offsets, "and they go in order");
        }
    }

    private static byte[] ReadAll(MemoryBlockDevice device)
    {
        var bytes = new byte[device.Length];
        device.Read(0, bytes);
        return bytes;
    }

    private static MemoryBlockDevice Filled(long length)
    {
        var device = new MemoryBlockDevice(length);
        var bytes = new byte[length];
        new Random(12).NextBytes(bytes);
        device.Write(0, bytes);
        return device;
    }

    // Reads through to a device, failing the read that covers one byte.
    private sealed class FailingDevice(IBlockDevice inner, long failAt) : IBlockDevice
    {
        private long _reads;

        public long Reads => Interlocked.Read(ref _reads);

        public long Length => inner.Length;

        public int SectorSize => inner.SectorSize;

        private int _reading;

        public int MostAtOnce { get; private set; }

        public List<long> Offsets { get; } = [];

        public void Read(long offset, Span<byte> destination)
        {
            int reading = Interlocked.Increment(ref _reading);
            lock (Offsets)
            {
                Offsets.Add(offset);
                MostAtOnce = Math.Max(MostAtOnce, reading);
            }

            try
            {
                Thread.Sleep(20); // long enough for a second reader to start before this one ends
                ReadThrough(offset, destination);
            }
            finally
            {
                Interlocked.Decrement(ref _reading);
            }
        }

        private void ReadThrough(long offset, Span<byte> destination)
        {
            Interlocked.Increment(ref _reads);
            if (failAt >= offset && failAt < offset + destination.Length)
            {
                throw new IOException($"medium error in block {offset / Block}");
            }

            inner.Read(offset, destination);
        }

        public void Write(long offset, ReadOnlySpan<byte> source) => inner.Write(offset, source);

        public void Flush() => inner.Flush();

        public void Dispose()
        {
        }
    }
}
