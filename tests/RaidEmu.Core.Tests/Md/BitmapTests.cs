using Microsoft.Extensions.Time.Testing;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Tests.Md;

[TestClass]
public sealed class BitmapTests
{
    private const int Chunk = 16 * 1024;
    private const int Stripes = 32;
    private const long BitmapBits = 8192 + BitmapSuperblock.HeaderBytes;

    [TestMethod]
    public void Create_WritesMdsBitmap_AllBitsSet_AndTheSuperblockPointsAtIt()
    {
        var (array, devices, _, _) = Create();
        var super = Superblock.Read(devices[0], "m0");
        Assert.AreEqual(Superblock.FeatureBitmap, super.FeatureMap & Superblock.FeatureBitmap);
        Assert.AreEqual(8, super.BitmapOffset);
        var header = BitmapSuperblock.Parse(Bytes(devices[0], 8192, 256), "m0");
        Assert.AreEqual(array.Uuid, header.Uuid);
        Assert.AreEqual((ulong)Chunk, header.ChunkBytes);
        Assert.AreEqual(array.EventCount, header.Events);
        Assert.AreEqual(Stripes, header.Chunks);
        Assert.AreEqual(Stripes, array.BitmapDirtyChunks, "mdadm writes every bit set at creation");
    }

    [TestMethod]
    public void Bits_ClearLazily_AreSetOnDiskBeforeTheData_AndStaySetWhileDegraded()
    {
        var (array, devices, clock, _) = Create();
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.AreEqual(0, array.BitmapDirtyChunks, "idle bits clear after two or three daemon sweeps");
        Assert.IsFalse(Bit(devices[0], 3));

        // Stripe 3's parity is on member 0 (left-symmetric), so the write reaches it.
        var recorder = (RecordingDevice)devices[0];
        recorder.Writes.Clear();
        array.Write(3 * Chunk * 3, new byte[4096]);
        Assert.IsTrue(Bit(devices[0], 3) && Bit(devices[2], 3), "the chunk's bit is on every member");
        int bitmapWrite = recorder.Writes.FindIndex(w => w == 8192);
        int dataWrite = recorder.Writes.FindIndex(w => w >= TestArrays.DataOffset);
        Assert.IsTrue(bitmapWrite >= 0 && bitmapWrite < dataWrite, $"the bitmap must reach the member before the data: {string.Join(", ", recorder.Writes)}");

        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.IsFalse(Bit(devices[0], 3), "cleared once the write was on every member");

        array.Fail(1);
        array.Write(5 * Chunk * 3, new byte[4096]);
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.IsTrue(Bit(devices[2], 5), "never cleared while degraded: it is what the missing member lacks");
        array.Dispose();
        Assert.IsTrue(Bit(devices[2], 5), "not even at an orderly stop");
    }

    [TestMethod]
    public void UncleanStop_ResyncsOnlyTheDirtyChunks()
    {
        var (array, devices, clock, _) = Create();
        clock.Advance(TimeSpan.FromSeconds(15));
        var expected = new byte[array.Length];
        array.Read(0, expected);
        var data = TestArrays.RandomBytes(3 * Chunk, 7);
        array.Write(10 * Chunk * 3, data);
        data.CopyTo(expected, 10 * Chunk * 3);
        array.Write((20 * Chunk * 3) + 100, data.AsSpan(0, 1000));
        data.AsSpan(0, 1000).CopyTo(expected.AsSpan((20 * Chunk * 3) + 100));

        // Torn parity where the crash hit: the resync has to repair this chunk.
        devices[3].Write(TestArrays.DataOffset + (20 * Chunk) + 8192, new byte[512]);
        array.Abandon();

        var sink = new MemoryEventSink();
        using var again = Assembler.Assemble(TestArrays.Sources(devices), sink, clock: clock);
        Assert.AreEqual(2, again.BitmapDirtyChunks);
        Assert.AreEqual(SyncKind.Resync, again.PendingSync);
        again.RunSync();
        var done = sink.Events.Single(e => e.Type == EventTypes.ResyncCompleted);
        StringAssert.Contains(done.Details, $"synced {2 * Chunk} bytes, bitmap skipped {(Stripes - 2) * Chunk} bytes");
        TestArrays.AssertParityConsistent(again);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(again));
    }

    [TestMethod]
    public void ReAdd_WithinTheBitmapsRange_RecoversOnlyTheMarkedChunks()
    {
        var (array, devices, clock, sink) = Create();
        clock.Advance(TimeSpan.FromSeconds(15));
        array.Fail(1);
        var former = Copy(devices[1]);
        array.Remove(1);
        var data = TestArrays.RandomBytes(5000, 3);
        array.Write(7 * Chunk * 3, data);
        var expected = TestArrays.ReadAll(array);

        var member = array.ReAdd(former, "former", Superblock.Read(former, "former"));
        Assert.IsNotNull(member);
        Assert.IsTrue(member.BitmapRecovery);
        Assert.AreEqual(1, member.DevNumber);
        array.RunSync();
        StringAssert.Contains(sink.Events.Last(e => e.Type == EventTypes.RecoveryCompleted).Details, $"synced {Chunk} bytes, bitmap skipped {(Stripes - 1) * Chunk} bytes");

        // Prove the re-added member holds the data: lose another one and read through it.
        array.Fail(0);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array));
    }

    [TestMethod]
    public void ReAdd_OlderThanEventsCleared_RecoversEverything()
    {
        var (array, devices, clock, sink) = Create();
        var old = Copy(devices[1]);
        array.Write(0, new byte[4096]);
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.IsTrue(array.BitmapEventsCleared > Superblock.Read(old, "old").Events);
        array.Fail(1);
        array.Remove(1);

        var member = array.ReAdd(old, "old", Superblock.Read(old, "old"));
        Assert.IsNotNull(member);
        Assert.IsFalse(member.BitmapRecovery, "md's rule: events below events_cleared means a full recovery");
        array.RunSync();
        StringAssert.Contains(sink.Events.Last(e => e.Type == EventTypes.RecoveryCompleted).Details, $"synced {Stripes * Chunk} bytes");
        TestArrays.AssertParityConsistent(array);
    }

    private static (RaidArray Array, List<IBlockDevice> Devices, FakeTimeProvider Clock, MemoryEventSink Sink) Create()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var sink = new MemoryEventSink();
        var devices = Enumerable.Range(0, 4).Select(_ => (IBlockDevice)new RecordingDevice(new MemoryBlockDevice(TestArrays.DataOffset + ((long)Chunk * Stripes)))).ToList();
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 4, ChunkBytes = Chunk, AssumeClean = true, Name = "bits", Bitmap = true, BitmapChunkBytes = Chunk };
        return (ArrayCreator.Create(options, TestArrays.Sources(devices), sink, clock, ownsDevices: false), devices, clock, sink);
    }

    private static MemoryBlockDevice Copy(IBlockDevice device)
    {
        var copy = new MemoryBlockDevice(device.Length);
        device.Read(0, copy.Bytes);
        return copy;
    }

    private static byte[] Bytes(IBlockDevice device, long offset, int length)
    {
        var bytes = new byte[length];
        device.Read(offset, bytes);
        return bytes;
    }

    private static bool Bit(IBlockDevice device, long chunk) => BitmapSuperblock.GetBit(Bytes(device, BitmapBits, 8), chunk);
}
