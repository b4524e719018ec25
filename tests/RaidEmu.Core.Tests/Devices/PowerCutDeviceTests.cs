using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Tests.Devices;

[TestClass]
public sealed class PowerCutDeviceTests
{
    [TestMethod]
    public void Cut_LosesUnflushedWrites_KeepsFlushedOnes_TearsTheNextWrite()
    {
        var memory = new MemoryBlockDevice(64 * 1024);
        using var disk = new PowerCutDevice(memory);
        disk.Write(0, Fill(4096, 0xaa));
        disk.Flush();
        disk.Write(4096, Fill(4096, 0xbb));
        disk.Write(0, Fill(512, 0xcc));
        Assert.AreEqual(4096 + 512, disk.UnflushedBytes);

        disk.Cut(new Random(7));
        Assert.IsTrue(memory.Bytes[..4096].ToArray().All(b => b == 0xaa), "the flushed write survives, the unflushed overwrite is undone");
        Assert.IsTrue(memory.Bytes.Slice(4096, 4096).ToArray().All(b => b == 0), "the unflushed write is lost");

        var error = Assert.ThrowsExactly<IOException>(() => disk.Write(8192, Fill(8192, 0xdd)));
        StringAssert.Contains(error.Message, "power lost mid-write");
        long kept = disk.TornBytesKept;
        Assert.AreEqual(0, kept % 512, "whole sectors only");
        Assert.IsTrue(memory.Bytes.Slice(8192, (int)kept).ToArray().All(b => b == 0xdd));
        Assert.IsTrue(memory.Bytes.Slice(8192 + (int)kept, 8192 - (int)kept).ToArray().All(b => b == 0));
        Assert.ThrowsExactly<IOException>(() => disk.Read(0, new byte[512]));
        Assert.ThrowsExactly<IOException>(() => disk.Write(0, new byte[512]));
    }

    [TestMethod]
    public void TheSameSeed_TearsTheSameWay()
    {
        long Kept()
        {
            using var disk = new PowerCutDevice(new MemoryBlockDevice(1 << 20));
            disk.Cut(new Random(42));
            Assert.ThrowsExactly<IOException>(() => disk.Write(0, new byte[256 * 1024]));
            return disk.TornBytesKept;
        }

        Assert.AreEqual(Kept(), Kept());
    }

    [TestMethod]
    public void TheCache_IsBounded_OlderWritesCountAsDestaged()
    {
        using var disk = new PowerCutDevice(new MemoryBlockDevice(16 * 1024 * 1024));
        for (int i = 0; i < 12; i++)
        {
            disk.Write(i * 1024L * 1024, new byte[1024 * 1024]);
        }

        Assert.IsTrue(disk.UnflushedBytes <= PowerCutDevice.CacheBytes);
    }

    private static byte[] Fill(int length, byte value)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return bytes;
    }
}
