using RaidEmu.Core.Devices;
using RaidEmu.Core.Integrity;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Integrity;

[TestClass]
public sealed class IntegrityDeviceTests
{
    private const int Block = BlockTags.BlockBytes;
    private const long DataOffset = 1024 * 1024;
    private const long DeviceBytes = DataOffset + (64 * Block);

    [TestMethod]
    [DataRow(IntegrityAlgorithm.Xxh3)]
    [DataRow(IntegrityAlgorithm.Crc32C)]
    public void WritesOfAnyShape_ReadBackVerified(IntegrityAlgorithm algorithm)
    {
        using var folder = new TempFolder();
        var memory = new MemoryBlockDevice(DeviceBytes);
        var model = new byte[DeviceBytes];
        var random = new Random(11);
        using (var device = IntegrityDevice.Create(memory, folder.Combine("d.integrity"), algorithm, DataOffset, Guid.NewGuid()))
        {
            for (int i = 0; i < 300; i++)
            {
                int sectors = random.Next(1, 40);
                long offset = DataOffset - (4 * 512) + (random.Next(0, (int)((DeviceBytes - DataOffset) / 512) - sectors) * 512L);
                var data = new byte[sectors * 512];
                random.NextBytes(data);
                device.Write(offset, data);
                data.CopyTo(model, offset);
            }

            var all = new byte[DeviceBytes];
            device.Read(0, all);
            CollectionAssert.AreEqual(model, all);
            var part = new byte[1536];
            device.Read(DataOffset + 4096 + 512, part);
            CollectionAssert.AreEqual(model.AsSpan((int)DataOffset + 4096 + 512, 1536).ToArray(), part);
            Assert.AreEqual(0, device.FailedBlocks);
        }
    }

    [TestMethod]
    public void RotInOneBlock_FailsEveryReadTouchingIt_AndOnlyThose()
    {
        using var folder = new TempFolder();
        var memory = new MemoryBlockDevice(DeviceBytes);
        using var device = IntegrityDevice.Create(memory, folder.Combine("d.integrity"), IntegrityAlgorithm.Xxh3, DataOffset, Guid.NewGuid());
        device.Write(DataOffset, Pattern(16 * Block, 3));
        long rotten = DataOffset + (5 * Block);
        memory.Bytes[(int)rotten + 100] ^= 0x10;

        var whole = Assert.ThrowsExactly<ChecksumMismatchException>(() => device.Read(DataOffset, new byte[16 * Block]));
        CollectionAssert.AreEqual(new[] { rotten }, whole.BlockOffsets.ToArray());
        Assert.AreEqual(rotten, whole.Offset);
        Assert.AreEqual(Block, whole.Length);
        Assert.IsFalse(whole.IsWrite);
        Assert.IsInstanceOfType<MediumErrorException>(whole);

        // A sector of the block that is not itself rotten is still refused: its block cannot be trusted.
        var partial = Assert.ThrowsExactly<ChecksumMismatchException>(() => device.Read(rotten + 3072, new byte[512]));
        CollectionAssert.AreEqual(new[] { rotten }, partial.BlockOffsets.ToArray());

        var neighbours = new byte[Block];
        device.Read(rotten - Block, neighbours);
        device.Read(rotten + Block, neighbours);
        CollectionAssert.AreEqual(new[] { rotten }, device.FindFailingBlocks(DataOffset, 64 * Block).ToArray());
    }

    [TestMethod]
    public void SeveralRottenBlocks_AreAllNamed()
    {
        using var folder = new TempFolder();
        var memory = new MemoryBlockDevice(DeviceBytes);
        using var device = IntegrityDevice.Create(memory, folder.Combine("d.integrity"), IntegrityAlgorithm.Crc32C, DataOffset, Guid.NewGuid());
        long[] rotten = [DataOffset + (2 * Block), DataOffset + (40 * Block), DataOffset + (63 * Block)];
        foreach (long at in rotten)
        {
            memory.Bytes[(int)at + 7] ^= 1;
        }

        var error = Assert.ThrowsExactly<ChecksumMismatchException>(() => device.Read(DataOffset, new byte[64 * Block]));
        CollectionAssert.AreEqual(rotten, error.BlockOffsets.ToArray());
        Assert.AreEqual(rotten[0], error.Offset);
        Assert.AreEqual(rotten[^1] + Block - rotten[0], error.Length);
        Assert.AreEqual(3, device.FailedBlocks);
    }

    [TestMethod]
    public void WholeBlockWrite_HealsRot_PartialWriteKeepsItFlagged()
    {
        using var folder = new TempFolder();
        var memory = new MemoryBlockDevice(DeviceBytes);
        using var device = IntegrityDevice.Create(memory, folder.Combine("d.integrity"), IntegrityAlgorithm.Xxh3, DataOffset, Guid.NewGuid());
        long a = DataOffset + (3 * Block);
        long b = DataOffset + (9 * Block);
        memory.Bytes[(int)a] ^= 0xff;
        memory.Bytes[(int)b + 4000] ^= 0xff;

        device.Write(a, Pattern(Block, 5));
        var back = new byte[Block];
        device.Read(a, back);
        CollectionAssert.AreEqual(Pattern(Block, 5), back);

        // Merging new sectors with rotten old ones must not bless the rot.
        device.Write(b, Pattern(512, 6));
        Assert.ThrowsExactly<ChecksumMismatchException>(() => device.Read(b, new byte[512]));
        device.Write(b, Pattern(Block, 7));
        device.Read(b, back);
        CollectionAssert.AreEqual(Pattern(Block, 7), back);
    }

    [TestMethod]
    public void MetadataArea_PassesThroughUnchecked()
    {
        using var folder = new TempFolder();
        var memory = new MemoryBlockDevice(DeviceBytes);
        using var device = IntegrityDevice.Create(memory, folder.Combine("d.integrity"), IntegrityAlgorithm.Xxh3, DataOffset, Guid.NewGuid());
        device.Write(4096, Pattern(4096, 9));
        memory.Bytes[4100] ^= 1;
        var back = new byte[4096];
        device.Read(4096, back);
        Assert.AreEqual(memory.Bytes[4100], back[4]);
    }

    [TestMethod]
    public void TagsSurviveReopen_AndZeroMembersStartValid()
    {
        using var folder = new TempFolder();
        string sidecar = folder.Combine("d.integrity");
        var memory = new MemoryBlockDevice(DeviceBytes);
        var uuid = Guid.NewGuid();
        using (var device = IntegrityDevice.Create(memory, sidecar, IntegrityAlgorithm.Xxh3, DataOffset, uuid))
        {
            device.Write(DataOffset + Block, Pattern(2 * Block, 1));
            device.Flush();
        }

        using var reopened = IntegrityDevice.Open(memory, sidecar, IntegrityAlgorithm.Xxh3, uuid);
        var all = new byte[64 * Block];
        reopened.Read(DataOffset, all);
        CollectionAssert.AreEqual(Pattern(2 * Block, 1), all.AsSpan(Block, 2 * Block).ToArray());
        Assert.AreEqual(0, reopened.ReplayedBlocks);
    }

    [TestMethod]
    public void TagFromData_CoversWhatAFileAlreadyHolds()
    {
        using var folder = new TempFolder();
        var memory = new MemoryBlockDevice(DeviceBytes);
        Pattern((int)(DeviceBytes - DataOffset), 4).CopyTo(memory.Bytes[(int)DataOffset..]);
        using var device = IntegrityDevice.Create(memory, folder.Combine("d.integrity"), IntegrityAlgorithm.Crc32C, DataOffset, Guid.NewGuid(), tagFromData: true);
        Assert.AreEqual(0, device.FindFailingBlocks(0, DeviceBytes).Count);
    }

    [TestMethod]
    public void MissingSidecar_IsRefusedByName()
    {
        using var folder = new TempFolder();
        string sidecar = folder.Combine("disk1.img.integrity");
        var error = Assert.ThrowsExactly<IntegrityFileException>(() => IntegrityDevice.Open(new MemoryBlockDevice(DeviceBytes), sidecar, IntegrityAlgorithm.Xxh3, null));
        StringAssert.Contains(error.Message, sidecar);
        StringAssert.Contains(error.Message, "missing");
        StringAssert.Contains(error.Message, "raidemu add");
        Assert.IsInstanceOfType<ArrayRefusedException>(error);
    }

    [TestMethod]
    [DataRow("garbage", "does not start with")]
    [DataRow("flip", "fails its own checksum")]
    [DataRow("truncate", "cut short")]
    [DataRow("algorithm", "crc32c")]
    [DataRow("uuid", "belongs to member")]
    [DataRow("version", "version 2 is not supported")]
    public void DamagedSidecar_IsRefusedByName(string damage, string expected)
    {
        using var folder = new TempFolder();
        string sidecar = folder.Combine("disk1.img.integrity");
        var memory = new MemoryBlockDevice(DeviceBytes);
        var uuid = Guid.NewGuid();
        IntegrityDevice.Create(memory, sidecar, IntegrityAlgorithm.Xxh3, DataOffset, uuid).Dispose();
        var bytes = File.ReadAllBytes(sidecar);
        var expectAlgorithm = IntegrityAlgorithm.Xxh3;
        var expectUuid = uuid;
        switch (damage)
        {
            case "garbage":
                new Random(1).NextBytes(bytes.AsSpan(0, 4096));
                break;
            case "flip":
                bytes[45] ^= 1;
                break;
            case "truncate":
                bytes = bytes[..^8];
                break;
            case "algorithm":
                expectAlgorithm = IntegrityAlgorithm.Crc32C;
                break;
            case "uuid":
                expectUuid = Guid.NewGuid();
                break;
            default:
                var header = IntegrityHeader.Decode(bytes, sidecar);
                header.Encode(bytes);
                bytes[8] = 2;
                RewriteHeaderChecksum(bytes);
                break;
        }

        File.WriteAllBytes(sidecar, bytes);
        var error = Assert.ThrowsExactly<IntegrityFileException>(() => IntegrityDevice.Open(memory, sidecar, expectAlgorithm, expectUuid));
        StringAssert.Contains(error.Message, sidecar);
        StringAssert.Contains(error.Message, expected);
    }

    [TestMethod]
    public void PowerCutMidWrites_ReopenSettlesTags_FlushedDataReadsBack()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            using var folder = new TempFolder();
            string sidecar = folder.Combine("d.integrity");
            var memory = new MemoryBlockDevice(DeviceBytes);
            var cache = new PowerCutDevice(memory);
            var uuid = Guid.NewGuid();
            var flushed = Pattern(32 * Block, seed);
            var random = new Random(seed);
            using (var device = IntegrityDevice.Create(cache, sidecar, IntegrityAlgorithm.Xxh3, DataOffset, uuid))
            {
                device.Write(DataOffset, flushed);
                device.Flush();
                for (int i = 0; i < 10; i++)
                {
                    var data = new byte[random.Next(1, 24) * 512];
                    random.NextBytes(data);
                    device.Write(DataOffset + (random.Next(0, 120) * 512L), data);
                }

                cache.Cut(new Random(seed));
                Assert.ThrowsExactly<IOException>(() => device.Write(DataOffset + (40 * Block), Pattern(3 * Block, 99)));
            }

            using var reopened = IntegrityDevice.Open(memory, sidecar, IntegrityAlgorithm.Xxh3, uuid);
            Assert.IsTrue(reopened.ReplayedBlocks > 0);
            var all = new byte[64 * Block];
            reopened.Read(DataOffset, all);
            CollectionAssert.AreEqual(flushed.AsSpan(16 * Block).ToArray(), all.AsSpan(16 * Block, 16 * Block).ToArray(), "flushed data past the unflushed writes reads back");
        }
    }

    [TestMethod]
    public void ConcurrentPartialWritesAndReads_NeverSeeAFalseMismatch()
    {
        using var folder = new TempFolder();
        var memory = new MemoryBlockDevice(DeviceBytes);
        using var device = IntegrityDevice.Create(memory, folder.Combine("d.integrity"), IntegrityAlgorithm.Xxh3, DataOffset, Guid.NewGuid());
        Parallel.For(0, 8, worker =>
        {
            var random = new Random(worker);
            var buffer = new byte[3 * 512];
            for (int i = 0; i < 400; i++)
            {
                // Each worker owns sector `worker` of every block, so the writes share blocks but not bytes.
                long at = DataOffset + (random.Next(0, 8) * (long)Block) + (worker * 512);
                if (i % 2 == 0)
                {
                    device.Write(at, Pattern(512, worker + i));
                }
                else
                {
                    device.Read(at, buffer.AsSpan(0, 512));
                }
            }
        });
        Assert.AreEqual(0, device.FindFailingBlocks(0, DeviceBytes).Count);
    }

    [TestMethod]
    public void Memory_DoesNotGrowWithTheMember()
    {
        using var folder = new TempFolder();
        using var file = FileBlockDevice.Create(folder.Combine("big.img"), 8L << 30, sparse: true);
        using var device = IntegrityDevice.Create(file, folder.Combine("big.img.integrity"), IntegrityAlgorithm.Xxh3, DataOffset, Guid.NewGuid());
        var buffer = Pattern(64 * 1024, 1);
        device.Write((4L << 30) + DataOffset, buffer);
        device.Read(DataOffset, buffer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            long at = DataOffset + ((long)i * (40L << 20));
            device.Write(at, buffer);
            device.Read(at, buffer);
        }

        long perIo = (GC.GetAllocatedBytesForCurrentThread() - before) / 400;
        Assert.IsTrue(perIo < 1024, $"{perIo} bytes allocated per I/O on an 8 GiB member (its tags alone are 16 MiB)");
    }

    private static void RewriteHeaderChecksum(byte[] bytes) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(
            bytes.AsSpan(96), System.IO.Hashing.Crc32.HashToUInt32(System.IO.Hashing.Crc32ParameterSet.Crc32C, bytes.AsSpan(0, 96)));

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
