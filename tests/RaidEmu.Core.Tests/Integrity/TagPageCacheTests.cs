using RaidEmu.Core.Devices;
using RaidEmu.Core.Integrity;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Integrity;

/// <summary>The cached tag pages must never answer with a tag the sidecar no longer holds, nor hide rot.</summary>
[TestClass]
public sealed class TagPageCacheTests
{
    private const int Block = BlockTags.BlockBytes;
    private const long DataOffset = 1024 * 1024;

    [TestMethod]
    [DataRow(IntegrityAlgorithm.Xxh3)]
    [DataRow(IntegrityAlgorithm.Crc32C)]
    public void WritesAcrossMorePagesThanAreCached_ReadBackAfterEvictionAndReopen(IntegrityAlgorithm algorithm)
    {
        using var folder = new TempFolder();
        int blocksPerPage = TagPageCache.PageBytes / BlockTags.TagBytes(algorithm);
        int pages = TagPageCache.Pages + 4;
        long deviceBytes = DataOffset + ((long)pages * blocksPerPage * Block);
        var memory = new MemoryBlockDevice(deviceBytes);
        var model = new byte[deviceBytes];
        string sidecar = folder.Combine("d.integrity");
        using (var device = IntegrityDevice.Create(memory, sidecar, algorithm, DataOffset, Guid.NewGuid()))
        {
            for (int round = 0; round < 3; round++)
            {
                for (int page = 0; page < pages; page++)
                {
                    // Two blocks straddling the boundary between tag page `page` and the next, then a partial block.
                    long block = Math.Max(0, ((long)(page + 1) * blocksPerPage) - 1 - round);
                    long at = DataOffset + (block * Block);
                    int length = (int)Math.Min(2 * Block, deviceBytes - at);
                    var data = Pattern(length, (round * 100) + page);
                    device.Write(at, data);
                    data.CopyTo(model, at);
                    var part = Pattern(700, (round * 1000) + page);
                    long partAt = DataOffset + ((long)page * blocksPerPage * Block) + 300;
                    device.Write(partAt, part);
                    part.CopyTo(model, partAt);
                }

                var all = new byte[deviceBytes - DataOffset];
                device.Read(DataOffset, all);
                CollectionAssert.AreEqual(model.AsSpan((int)DataOffset).ToArray(), all, $"round {round}");
            }

            device.Flush();
        }

        using var again = IntegrityDevice.Open(memory, sidecar, algorithm, null);
        Assert.AreEqual(0, again.FindFailingBlocks(0, deviceBytes).Count, "the sidecar holds every tag the cache held");
    }

    [TestMethod]
    public void RotAfterTheTagIsCached_IsStillCaught_AndAWholeRewriteHealsIt()
    {
        using var folder = new TempFolder();
        var memory = new MemoryBlockDevice(DataOffset + (64 * Block));
        using var device = IntegrityDevice.Create(memory, folder.Combine("d.integrity"), IntegrityAlgorithm.Xxh3, DataOffset, Guid.NewGuid());
        var data = Pattern(8 * Block, 5);
        device.Write(DataOffset, data);
        device.Read(DataOffset, new byte[8 * Block]);

        // Rot below the device (the corrupt fault's path): the cached tag still describes the written bytes.
        memory.Bytes[(int)DataOffset + (3 * Block) + 17] ^= 0x40;
        var error = Assert.ThrowsExactly<ChecksumMismatchException>(() => device.Read(DataOffset, new byte[8 * Block]));
        CollectionAssert.AreEqual(new[] { DataOffset + (3 * Block) }, error.BlockOffsets.ToArray());

        var fresh = Pattern(Block, 6);
        device.Write(DataOffset + (3 * Block), fresh);
        var back = new byte[Block];
        device.Read(DataOffset + (3 * Block), back);
        CollectionAssert.AreEqual(fresh, back);
    }

    [TestMethod]
    public void ConcurrentOverlappingWritesAndReads_ReadBackByteForByte()
    {
        using var folder = new TempFolder();
        int pages = TagPageCache.Pages + 2;
        long deviceBytes = DataOffset + ((long)pages * 512 * Block);
        var memory = new MemoryBlockDevice(deviceBytes);
        using var device = IntegrityDevice.Create(memory, folder.Combine("d.integrity"), IntegrityAlgorithm.Xxh3, DataOffset, Guid.NewGuid());
        var expected = new byte[4][];
        Parallel.For(0, 4, worker =>
        {
            var random = new Random(worker);
            var buffer = new byte[2 * Block];
            for (int i = 0; i < 300; i++)
            {
                // Workers share blocks (one sector each), spread over more tag pages than are cached.
                long block = (random.Next(0, pages) * 512L) + random.Next(0, 2);
                long at = DataOffset + (block * Block) + (worker * 512);
                if (i % 3 == 0)
                {
                    device.Read(DataOffset + (block * Block), buffer);
                }
                else
                {
                    device.Write(at, Pattern(512, worker));
                }
            }

            expected[worker] = Pattern(512, worker);
        });

        Assert.AreEqual(0, device.FindFailingBlocks(0, deviceBytes).Count);
        var sector = new byte[512];
        for (int page = 0; page < pages; page++)
        {
            for (int worker = 0; worker < 4; worker++)
            {
                long at = DataOffset + (page * 512L * Block) + (worker * 512);
                device.Read(at, sector);
                Assert.IsTrue(sector.AsSpan().SequenceEqual(expected[worker]) || !sector.AsSpan().ContainsAnyExcept((byte)0), $"page {page}, worker {worker}: its own bytes or never written");
            }
        }
    }

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
