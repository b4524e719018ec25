using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Tests.Metadata;

[TestClass]
public sealed class BitmapSuperblockTests
{
    [TestMethod]
    public void Header_RoundTrips_AtMdsOffsets()
    {
        var header = new BitmapSuperblock
        {
            Uuid = Guid.Parse("84ce356b-d930-4395-a8fc-812e24dd0e87"),
            Events = 29,
            EventsCleared = 27,
            SyncSectors = 16384,
            ChunkBytes = 65536,
            DaemonSleepSeconds = 5,
            SectorsReserved = 8,
        };
        var block = new byte[256];
        header.WriteTo(block);

        Assert.AreEqual(0x6d746962u, BitConverter.ToUInt32(block, 0));
        Assert.AreEqual(4u, BitConverter.ToUInt32(block, 4));
        Assert.AreEqual(0x84, block[8], "the UUID is stored in the superblock's byte order");
        Assert.AreEqual(29ul, BitConverter.ToUInt64(block, 24));
        Assert.AreEqual(27ul, BitConverter.ToUInt64(block, 32));
        Assert.AreEqual(16384ul, BitConverter.ToUInt64(block, 40));
        Assert.AreEqual(65536u, BitConverter.ToUInt32(block, 52));
        Assert.AreEqual(5u, BitConverter.ToUInt32(block, 56));
        Assert.AreEqual(8u, BitConverter.ToUInt32(block, 64));

        var back = BitmapSuperblock.Parse(block, "test");
        Assert.AreEqual(header.Uuid, back.Uuid);
        Assert.AreEqual(128, back.Chunks);
        Assert.AreEqual(512, back.StorageBytes, "256 header bytes and 16 bytes of bits, in whole sectors");
    }

    [TestMethod]
    public void Bits_AreLittleEndianWithinEachByte()
    {
        var bits = new byte[2];
        BitmapSuperblock.SetBit(bits, 0, true);
        BitmapSuperblock.SetBit(bits, 9, true);
        CollectionAssert.AreEqual(new byte[] { 0x01, 0x02 }, bits);
        Assert.IsTrue(BitmapSuperblock.GetBit(bits, 9));
        BitmapSuperblock.SetBit(bits, 0, false);
        Assert.AreEqual(0, bits[0]);
    }

    [TestMethod]
    public void Parse_RefusesWhatIsNotABitmapOrNotImplemented()
    {
        var block = new byte[256];
        Assert.ThrowsExactly<MetadataException>(() => BitmapSuperblock.Parse(block, "m"));
        new BitmapSuperblock { ChunkBytes = 4096, Version = 5 }.WriteTo(block);
        StringAssert.Contains(Assert.ThrowsExactly<MetadataException>(() => BitmapSuperblock.Parse(block, "m")).Message, "clustered");
        new BitmapSuperblock { ChunkBytes = 3000 }.WriteTo(block);
        Assert.ThrowsExactly<MetadataException>(() => BitmapSuperblock.Parse(block, "m"));
    }

    [TestMethod]
    public void DefaultChunk_IsMdadms()
    {
        // 4 KiB of room holds (4096 - 256) * 8 = 30720 bits.
        Assert.AreEqual(4096, BitmapSuperblock.RoomBytes(1L << 30));
        Assert.AreEqual(64 * 1024, BitmapSuperblock.RoomBytes(100L << 30));
        Assert.AreEqual(128 * 1024, BitmapSuperblock.RoomBytes(1L << 40));
        Assert.AreEqual(64L << 20, BitmapSuperblock.DefaultChunkBytes(1L << 30, 4096));
        Assert.AreEqual(8192, BitmapSuperblock.MinChunkBytes(200L << 20, 4096));

        // 4 TiB members in 128 KiB of room: 64 MiB chunks need 65536 bits, which fit (1046528 bits).
        Assert.AreEqual(64L << 20, BitmapSuperblock.DefaultChunkBytes(4L << 40, 128 * 1024));

        // 100 TiB members: 64 MiB chunks would need 1.6 M bits, so the chunk doubles until they fit.
        Assert.AreEqual(128L << 20, BitmapSuperblock.DefaultChunkBytes(100L << 40, 128 * 1024));
    }
}
