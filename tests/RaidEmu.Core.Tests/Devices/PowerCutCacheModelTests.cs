using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Tests.Devices;

/// <summary>The drive cache against a byte model: what reads return, what a flush and a cut leave on the disk.</summary>
[TestClass]
public sealed class PowerCutCacheModelTests
{
    private const int DiskBytes = 64 * 1024;

    [TestMethod]
    public void RandomWritesReadsFlushesAndACut_AgreeWithTheModel()
    {
        int[] budgets = [0, 512, 4096, 16 * 1024, DiskBytes];
        for (int seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            int budget = budgets[seed % budgets.Length];
            var disk = new SectorwiseDevice(DiskBytes);
            using var cache = new PowerCutDevice(disk, budget);
            var current = new byte[DiskBytes];
            var durable = new byte[DiskBytes];

            // Every value each byte was given since the last flush: a cut may leave any of them, or the durable one.
            var since = new List<byte>?[DiskBytes];
            for (int op = 0; op < 200; op++)
            {
                int kind = random.Next(10);
                int length = random.Next(1, 3000);
                int offset = random.Next(0, DiskBytes - length);
                if (kind < 6)
                {
                    var data = new byte[length];
                    random.NextBytes(data);
                    cache.Write(offset, data);
                    data.CopyTo(current, offset);
                    for (int i = 0; i < length; i++)
                    {
                        (since[offset + i] ??= []).Add(data[i]);
                    }
                }
                else if (kind < 9)
                {
                    var read = new byte[length];
                    cache.Read(offset, read);
                    AssertSame(current.AsSpan(offset, length), read, $"seed {seed}, op {op}: a read disagrees with the writes before it");
                }
                else
                {
                    cache.Flush();
                    AssertSame(current, disk.Bytes, $"seed {seed}, op {op}: the flush left bytes off the disk");
                    current.CopyTo(durable, 0);
                    Array.Clear(since);
                }

                Assert.IsTrue(cache.UnflushedBytes <= budget, $"seed {seed}: {cache.UnflushedBytes} bytes cached over a budget of {budget}");
            }

            long unflushed = cache.UnflushedBytes;
            cache.Cut(new Random(seed));
            var after = disk.Bytes.ToArray();
            int lost = 0;
            for (int p = 0; p < DiskBytes; p++)
            {
                bool allowed = after[p] == durable[p] || (since[p]?.Contains(after[p]) ?? false);
                Assert.IsTrue(allowed, $"seed {seed}: byte {p} holds {after[p]}, which was never written there since the flush");
                lost += after[p] != current[p] ? 1 : 0;
            }

            Assert.IsTrue(lost <= unflushed, $"seed {seed}: {lost} bytes lost, more than the {unflushed} the cache held");
            TearsTheNextWrite(cache, disk, random);
        }
    }

    [TestMethod]
    public void TheOldestWritesReachTheDiskFirst_TheRestIsLostAtTheCut()
    {
        var disk = new SectorwiseDevice(DiskBytes);
        using var cache = new PowerCutDevice(disk, 8192);
        cache.Write(0, Fill(4096, 1));
        cache.Write(8192, Fill(4096, 2));
        cache.Write(16384, Fill(4096, 3));
        Assert.AreEqual(8192, cache.UnflushedBytes);
        Assert.IsTrue(disk.Bytes[..4096].ToArray().All(b => b == 1), "the oldest write was destaged when the cache overflowed");
        Assert.IsTrue(disk.Bytes[8192..].ToArray().All(b => b == 0), "the younger writes are only in the cache");

        // Rewriting cached bytes does not grow the cache.
        cache.Write(8192, Fill(4096, 4));
        Assert.AreEqual(8192, cache.UnflushedBytes);

        cache.Cut(new Random(1));
        Assert.IsTrue(disk.Bytes[..4096].ToArray().All(b => b == 1));
        Assert.IsTrue(disk.Bytes[4096..].ToArray().All(b => b == 0), "what the cache held is gone");
    }

    [TestMethod]
    public void Writes_NeverReadTheDisk_CachedReadsAreServedFromTheCache()
    {
        var disk = new SectorwiseDevice(DiskBytes);
        using var cache = new PowerCutDevice(disk, 16 * 1024);
        var random = new Random(3);
        for (int i = 0; i < 100; i++)
        {
            var data = new byte[random.Next(1, 8) * 512];
            random.NextBytes(data);
            cache.Write(random.Next(0, 64) * 512, data);
        }

        Assert.AreEqual(0, disk.Reads, "a write read the disk");
        Assert.IsTrue(disk.Writes > 0, "a full cache destages");

        cache.Write(4096, Fill(1024, 9));
        var read = new byte[1024];
        long before = disk.Reads;
        cache.Read(4096, read);
        Assert.AreEqual(before, disk.Reads, "bytes wholly in the cache came from the disk");
        Assert.IsTrue(read.All(b => b == 9));
    }

    [TestMethod]
    public void ACleanStop_WritesWhatTheCacheHolds_AStopAfterACut_WritesNothing()
    {
        var disk = new SectorwiseDevice(DiskBytes);
        var cache = new PowerCutDevice(disk);
        cache.Write(512, Fill(2048, 5));
        Assert.IsTrue(disk.Bytes.Slice(512, 2048).ToArray().All(b => b == 0), "the write waits in the cache");
        cache.Dispose();
        Assert.IsTrue(disk.Bytes.Slice(512, 2048).ToArray().All(b => b == 5), "a clean stop lost a cached write");

        var cut = new SectorwiseDevice(DiskBytes);
        var lost = new PowerCutDevice(cut);
        lost.Write(512, Fill(2048, 5));
        lost.Cut(new Random(0));
        lost.Dispose();
        Assert.IsTrue(cut.Bytes.ToArray().All(b => b == 0), "a cut cache came back at the stop");
    }

    [TestMethod]
    public void AWriteOverBytesBeingDestaged_WaitsForThem_AndIsNotLost()
    {
        using var disk = new HeldWriteDevice(DiskBytes);
        var cache = new PowerCutDevice(disk, 4096);
        cache.Write(0, Fill(4096, 1));
        disk.HoldNextWrite();

        // This write overflows the cache: the first one is destaged, and the disk holds that destage.
        // Own threads: a busy thread pool could start the rewrite only after the destage, proving nothing.
        var overflow = Task.Factory.StartNew(() => cache.Write(8192, Fill(512, 2)), TaskCreationOptions.LongRunning);
        Assert.IsTrue(disk.Holding.Wait(TimeSpan.FromSeconds(10)));
        var read = new byte[4096];
        cache.Read(0, read);
        Assert.IsTrue(read.All(b => b == 1), "bytes being destaged must still read back");

        var rewrite = Task.Factory.StartNew(() => cache.Write(1024, Fill(1024, 3)), TaskCreationOptions.LongRunning);
        Assert.IsFalse(rewrite.Wait(200), "a write over bytes being destaged went ahead of the destage");
        disk.Release.Set();
        Assert.IsTrue(Task.WaitAll([overflow, rewrite], TimeSpan.FromSeconds(10)));

        cache.Read(0, read);
        var expected = Fill(4096, 1);
        Array.Fill(expected, (byte)3, 1024, 1024);
        AssertSame(expected, read, "the rewrite was lost behind the destage");
        cache.Flush();
        AssertSame(expected, disk.Bytes[..4096], "the flush left the rewrite off the disk");
    }

    [TestMethod]
    public void ConcurrentWritersAndReaders_ReadEveryCompletedWriteBack()
    {
        const int Writers = 4;
        const int Readers = 2;
        const int Sector = 512;
        const int BlockSectors = 8;
        const int Sectors = DiskBytes / Sector;
        for (int round = 0; round < 2; round++)
        {
            var disk = new SectorwiseDevice(DiskBytes) { Yields = true };
            using var cache = new PowerCutDevice(disk, 8192);

            // Each sector holds its version in every byte; only its block's owner writes it, always a newer one.
            var completed = new int[Sectors];
            var failures = new List<string>();
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Factory.StartNew(() =>
            {
                var random = new Random((round * 100) + w);
                var versions = new int[Sectors];
                var back = new byte[BlockSectors * Sector];
                for (int i = 0; i < 200; i++)
                {
                    int block = (random.Next(0, Sectors / BlockSectors / Writers) * Writers) + w;
                    int first = (block * BlockSectors) + random.Next(0, BlockSectors);
                    int count = random.Next(1, (block * BlockSectors) + BlockSectors - first + 1);
                    var data = new byte[count * Sector];
                    for (int s = 0; s < count; s++)
                    {
                        data.AsSpan(s * Sector, Sector).Fill((byte)++versions[first + s]);
                    }

                    cache.Write((long)first * Sector, data);
                    for (int s = 0; s < count; s++)
                    {
                        Volatile.Write(ref completed[first + s], versions[first + s]);
                    }

                    cache.Read((long)first * Sector, back.AsSpan(0, data.Length));
                    if (!back.AsSpan(0, data.Length).SequenceEqual(data))
                    {
                        lock (failures)
                        {
                            failures.Add($"writer {w} read back other bytes than it wrote at sector {first}");
                        }
                    }

                    if (i % 50 == 0)
                    {
                        cache.Flush();
                    }
                }
            }, TaskCreationOptions.LongRunning)).ToArray();
            var readers = Enumerable.Range(0, Readers).Select(r => Task.Factory.StartNew(() =>
            {
                var random = new Random(1000 + (round * 100) + r);
                var seen = new int[Sectors];
                while (!stop.IsCancellationRequested)
                {
                    int first = random.Next(0, Sectors);
                    int count = random.Next(1, Math.Min(32, Sectors - first) + 1);
                    for (int s = 0; s < count; s++)
                    {
                        seen[s] = Volatile.Read(ref completed[first + s]);
                    }

                    var read = new byte[count * Sector];
                    cache.Read((long)first * Sector, read);
                    for (int s = 0; s < count; s++)
                    {
                        int stale = read.AsSpan(s * Sector, Sector).IndexOfAnyInRange((byte)0, (byte)Math.Max(0, seen[s] - 1));
                        if (seen[s] > 0 && stale >= 0)
                        {
                            lock (failures)
                            {
                                failures.Add($"sector {first + s} read version {read[(s * Sector) + stale]} after version {seen[s]} was written");
                            }
                        }
                    }
                }
            }, TaskCreationOptions.LongRunning)).ToArray();

            Task.WaitAll(writers);
            stop.Cancel();
            Task.WaitAll(readers);
            Assert.AreEqual(0, failures.Count, string.Join("\n", failures.Take(10)));

            var all = new byte[DiskBytes];
            cache.Read(0, all);
            cache.Flush();
            AssertSame(all, disk.Bytes, "after the flush the disk holds what reads returned");
            for (int s = 0; s < Sectors; s++)
            {
                Assert.IsTrue(all.AsSpan(s * Sector, Sector).IndexOfAnyExcept((byte)completed[s]) < 0, $"sector {s} does not hold its last version");
            }
        }
    }

    private static void TearsTheNextWrite(PowerCutDevice cache, SectorwiseDevice disk, Random random)
    {
        var before = disk.Bytes.ToArray();
        int sectors = random.Next(1, 16);
        int offset = random.Next(0, (DiskBytes / 512) - sectors) * 512;
        var data = new byte[sectors * 512];
        random.NextBytes(data);
        Assert.ThrowsExactly<IOException>(() => cache.Write(offset, data));
        int kept = (int)cache.TornBytesKept;
        Assert.AreEqual(0, kept % 512);
        var expected = before.ToArray();
        data.AsSpan(0, kept).CopyTo(expected.AsSpan(offset));
        AssertSame(expected, disk.Bytes, "the torn write left more or less than its kept prefix");
        Assert.ThrowsExactly<IOException>(() => cache.Read(0, new byte[512]));
        Assert.ThrowsExactly<IOException>(() => cache.Flush());
    }

    private static void AssertSame(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        int at = expected.CommonPrefixLength(actual);
        Assert.IsTrue(at == expected.Length && at == actual.Length, $"{what} (first difference at byte {at})");
    }

    private static byte[] Fill(int length, byte value)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return bytes;
    }
}
