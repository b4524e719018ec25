using RaidEmu.Core.Devices;
using RaidEmu.Core.Devices.Timing;

namespace RaidEmu.Core.Tests.Faults;

/// <summary>The disk timing models, read from the schedule they compute (the clock moves only when a device waits).</summary>
[TestClass]
public sealed class TimingModelTests
{
    private const int DiskBytes = 16 * 1024 * 1024;

    [TestMethod]
    public void Hdd_RandomIoCostsSeeksAndRotation_SequentialIoOnlyTransfer()
    {
        var sequential = Run(TimingModel.Hdd, Enumerable.Range(0, 200).Select(i => i * 4096L));
        var random = new Random(4);
        var scattered = Run(TimingModel.Hdd, Enumerable.Range(0, 200).Select(_ => random.NextInt64(DiskBytes / 4096) * 4096));

        // 200 x 4 KiB at 200 MB/s, and one first positioning.
        Assert.IsLessThan(20, sequential.TotalMilliseconds, $"sequential {sequential}");

        // Each random I/O: a seek of 0.5-15 ms and on average half a turn (4.2 ms at 7200 rpm).
        double perIo = scattered.TotalMilliseconds / 200;
        Assert.IsTrue(perIo is > 6 and < 20, $"random {perIo} ms per I/O");
    }

    [TestMethod]
    public void Hdd_ALongerSeekCostsMore_AndAShortForwardSkipOnlyThePassingBytes()
    {
        var model = TimingModel.Hdd with { Rpm = 7200 };
        var near = model.Cost(DiskBytes / 100, 4096, false, head: 0, DiskBytes, draw: 0).Occupied;
        var far = model.Cost(DiskBytes - 4096, 4096, false, head: 0, DiskBytes, draw: 0).Occupied;
        Assert.IsLessThan(far, near);
        Assert.AreEqual(15 + (4096 / 200_000.0), far.TotalMilliseconds, 0.01, "a full stroke: the longest seek");

        var skip = model.Cost(8192 + 65536, 4096, false, head: 8192, DiskBytes, draw: 0.9).Occupied;
        Assert.AreEqual((65536 + 4096) / 200_000.0, skip.TotalMilliseconds, 0.001, "the platter passes 64 KiB; no seek, no turn");
        var turn = model.Cost(0, 4096, false, head: DiskBytes / 2, DiskBytes, draw: 0.5).Occupied
            - model.Cost(0, 4096, false, head: DiskBytes / 2, DiskBytes, draw: 0).Occupied;
        Assert.AreEqual(60_000.0 / 7200 / 2, turn.TotalMilliseconds, 0.001, "the draw places the wait within one turn");
    }

    [TestMethod]
    public void Hdd_ServesOneIoAtATime_FlashOverlapsLatencies()
    {
        var clock = new InstantClock();
        using var hdd = new TimedBlockDevice(new MemoryBlockDevice(DiskBytes), TimingModel.Hdd, clock, seed: 1);
        long first = hdd.Reserve(DiskBytes / 2, 4096, write: false);
        long second = hdd.Reserve(0, 4096, write: false);
        var gap = TimeSpan.FromSeconds((double)(second - first) / clock.Time.TimestampFrequency);
        Assert.IsGreaterThan(0.5, gap.TotalMilliseconds, "the second I/O queues behind the first and seeks");

        using var ssd = new TimedBlockDevice(new MemoryBlockDevice(DiskBytes), TimingModel.Ssd, clock, seed: 1);
        long now = clock.Now;
        long a = ssd.Reserve(0, 4096, write: false);
        long b = ssd.Reserve(DiskBytes / 2, 4096, write: false);
        Assert.AreEqual(80 + (4096 / 500.0), (a - now) * 1e6 / clock.Time.TimestampFrequency, 0.5, "80 µs latency plus the transfer");
        Assert.AreEqual(4096 / 500.0, (b - a) * 1e6 / clock.Time.TimestampFrequency, 0.5, "queued only for the other's transfer");
    }

    [TestMethod]
    public void Nvme_IsFasterThanSsd_AndTheDataIsUntouched()
    {
        var nvme = Run(TimingModel.Nvme, Enumerable.Range(0, 100).Select(i => i * 65536L));
        var ssd = Run(TimingModel.Ssd, Enumerable.Range(0, 100).Select(i => i * 65536L));
        Assert.IsLessThan(ssd, nvme);
        Assert.AreEqual(100 * (20 + (65536 / 3000.0)), nvme.TotalMicroseconds, 5);
    }

    [TestMethod]
    public void TheSameSeedMakesTheSameSchedule()
    {
        var offsets = Enumerable.Range(0, 50).Select(i => (long)(i * 7919 % 250) * 65536).ToList();
        Assert.AreEqual(Run(TimingModel.Hdd, offsets, seed: 3), Run(TimingModel.Hdd, offsets, seed: 3));
        Assert.AreNotEqual(Run(TimingModel.Hdd, offsets, seed: 3), Run(TimingModel.Hdd, offsets, seed: 4));
    }

    /// <summary>Modelled time of reading 4 KiB at each offset one after another (64 KiB for flash), checking the bytes.</summary>
    private static TimeSpan Run(TimingModel model, IEnumerable<long> offsets, long seed = 1)
    {
        var clock = new InstantClock();
        var media = new MemoryBlockDevice(DiskBytes);
        new Random(2).NextBytes(media.Bytes);
        using var device = new TimedBlockDevice(media, model, clock, seed);
        int length = model.OneAtATime ? 4096 : 65536;
        var buffer = new byte[length];
        foreach (long offset in offsets)
        {
            device.Read(offset, buffer);
            Assert.IsTrue(buffer.AsSpan().SequenceEqual(media.Bytes.Slice((int)offset, length)));
        }

        return clock.Elapsed;
    }
}
