using RaidEmu.Core.Devices;
using RaidEmu.Live.Fuse;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>
/// The FUSE mount holds back the last partial stripe of a large write until the next write completes it: a
/// sequential writer's requests (1 MiB) reach a RAID 5 of 1.5 MiB stripes as whole stripes, and nothing held is
/// ever invisible to a reader, lost by a flush, or kept across a power loss.
/// </summary>
[TestClass]
public sealed class WriteGatherTests
{
    private const int MiB = 1024 * 1024;
    private const long Stripe = 3 * 512 * 1024;

    [TestMethod]
    public void SequentialMiBWrites_ReachTheArrayAsWholeStripes_AndDrainWritesTheRest()
    {
        using var device = new RecordingDevice(16 * MiB);
        var gather = new WriteGather(device, Stripe, () => device);
        var data = Random(10 * MiB, 1);
        for (int at = 0; at < data.Length; at += MiB)
        {
            Write(gather, at, data.AsSpan(at, MiB), owner: 1, device);
        }

        var beforeDrain = device.Writes.ToList();
        string seen = string.Join(", ", beforeDrain);
        Assert.IsTrue(beforeDrain.All(w => w.Offset % Stripe == 0 && w.Length % Stripe == 0), $"only whole stripes before the drain: {seen}");
        Assert.AreEqual(6 * Stripe, beforeDrain.Sum(w => (long)w.Length), $"the six whole stripes, each once: {seen}");

        gather.Drain();
        Assert.AreEqual((long)data.Length, device.Writes.Sum(w => (long)w.Length), "every byte written once");
        CollectionAssert.AreEqual(data, Read(device, 0, data.Length));
        Assert.IsNull(gather.TakeLoss(1));
    }

    [TestMethod]
    public void HeldBytes_AreWrittenBeforeAReadOfThem_AndOnlyThen()
    {
        using var device = new RecordingDevice(16 * MiB);
        var gather = new WriteGather(device, Stripe, () => device);
        var data = Random(MiB, 2);
        Write(gather, 0, data, owner: 1, device);
        Assert.IsTrue(device.Writes.IsEmpty, "the first MiB of a stripe is held");

        gather.BeforeRead(2 * MiB, 4096);
        Assert.IsTrue(device.Writes.IsEmpty, "a read elsewhere leaves it held");

        gather.BeforeRead(MiB - 1, 2);
        CollectionAssert.AreEqual(data, Read(device, 0, MiB), "a read of its last byte sees it");
    }

    [TestMethod]
    public void AWriteElsewhere_WritesTheHeldBytesFirst()
    {
        using var device = new RecordingDevice(16 * MiB);
        var gather = new WriteGather(device, Stripe, () => device);
        var held = Random(MiB, 3);
        var other = Random(4096, 4);
        Write(gather, 0, held, owner: 1, device);
        Write(gather, 8 * MiB, other, owner: 1, device);
        CollectionAssert.AreEqual(held, Read(device, 0, MiB));
        CollectionAssert.AreEqual(other, Read(device, 8 * MiB, 4096), "a small write is never held");
    }

    [TestMethod]
    public void BytesHeldForAnArrayThatIsGone_NeverReachTheNextOne_AndTheirWriterLearnsOfIt()
    {
        using var volume = new RecordingDevice(16 * MiB);
        using var before = new RecordingDevice(16 * MiB);
        using var after = new RecordingDevice(16 * MiB);
        IBlockDevice? running = before;
        var gather = new WriteGather(volume, Stripe, () => running);
        Write(gather, 0, Random(MiB, 5), owner: 1, before);

        // A power loss, then the restarted array: its writer continues at the same offset, which must not
        // complete the lost stripe.
        running = after;
        var data = Random(MiB, 6);
        Write(gather, MiB, data, owner: 2, after);
        gather.Drain();
        Assert.IsTrue(before.Writes.IsEmpty && volume.Writes.IsEmpty, "bytes held for the lost array were written somewhere");
        CollectionAssert.AreEqual(new byte[MiB], Read(after, 0, MiB), "bytes held for the lost array reached the next one");
        CollectionAssert.AreEqual(data, Read(after, MiB, MiB));
        Assert.IsNotNull(gather.TakeLoss(1), "the writer of the dropped bytes");
        Assert.IsNull(gather.TakeLoss(2), "the writer after the restart lost nothing");
    }

    [TestMethod]
    public void AWriteWhileTheArrayIsDown_IsNeverHeld()
    {
        using var device = new RecordingDevice(16 * MiB);
        IBlockDevice? running = null;
        var gather = new WriteGather(device, Stripe, () => running);

        // Down, the volume fails every write: a 1 MiB write that would be held whole must fail too.
        device.FailWrites = true;
        Assert.ThrowsExactly<IOException>(() => Write(gather, 0, Random(MiB, 7), owner: 1, array: null));
        device.FailWrites = false;
        running = device;
        gather.Drain();
        Assert.IsTrue(device.Writes.IsEmpty, "nothing from the outage reaches the array once it is back");
    }

    [TestMethod]
    public void HeldBytesThatCannotBeWritten_AreReportedOnce_ToTheirWritersOnly()
    {
        using var device = new RecordingDevice(16 * MiB);
        var gather = new WriteGather(device, Stripe, () => device);
        Write(gather, 0, Random(MiB, 7), owner: 1, device);
        Write(gather, MiB, Random(256 * 1024, 8), owner: 2, device);
        device.FailWrites = true;
        gather.Drain();
        device.FailWrites = false;
        Assert.IsTrue(gather.PeekLoss(1) is IOException && gather.PeekLoss(1) is IOException, "every close of the first writer's handle reports it");
        Assert.IsNotNull(gather.TakeLoss(1), "its next fsync learns of it");
        Assert.IsNotNull(gather.TakeLoss(2), "so does the second's, whose bytes were in the same stripe");
        Assert.IsNull(gather.TakeLoss(1) ?? gather.PeekLoss(1), "once");
        Assert.IsNull(gather.TakeLoss(3), "a handle that wrote none of them is not told");
        gather.Drain();
        Assert.IsTrue(device.Writes.IsEmpty, "nothing is held after the failure");
    }

    /// <summary>
    /// A write that completes the held stripe fails when the stripe cannot be written; the stripe also held the same
    /// handle's earlier, acknowledged write, so its next fsync must report the loss even if it retried the write.
    /// </summary>
    [TestMethod]
    public void AFailedStripeThatCompletesHeldBytes_IsReportedToTheirWriterToo()
    {
        using var device = new RecordingDevice(16 * MiB);
        var gather = new WriteGather(device, Stripe, () => device);
        Write(gather, 0, Random(MiB, 10), owner: 1, device);
        device.FailWrites = true;
        Assert.ThrowsExactly<IOException>(() => Write(gather, MiB, Random(MiB, 11), owner: 1, device));
        device.FailWrites = false;
        Write(gather, MiB, Random(MiB, 11), owner: 1, device);
        Assert.IsNotNull(gather.TakeLoss(1), "the first MiB, acknowledged, never reached the array");
    }

    [TestMethod]
    public void AReadOfHeldBytesThatCannotBeWritten_Fails()
    {
        using var device = new RecordingDevice(16 * MiB);
        var gather = new WriteGather(device, Stripe, () => device);
        Write(gather, 0, Random(MiB, 12), owner: 1, device);
        device.FailWrites = true;
        Assert.ThrowsExactly<IOException>(() => gather.BeforeRead(0, 4096), "the read would return the bytes the held ones replace");
        Assert.IsNotNull(gather.PeekLoss(1));
    }

    /// <summary>While held bytes are being written out, a read of them waits: it must never read the bytes they replace.</summary>
    [TestMethod]
    public void AReadOfHeldBytes_WaitsWhileTheyAreBeingWritten()
    {
        using var device = new RecordingDevice(16 * MiB);
        var gather = new WriteGather(device, Stripe, () => device);
        var data = Random(MiB, 9);
        Write(gather, 0, data, owner: 1, device);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        device.BeforeWrite = () =>
        {
            entered.Set();
            release.Wait();
        };

        // Threads of their own: the test may run on the pool's last free thread.
        var drain = Task.Factory.StartNew(gather.Drain, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.IsTrue(entered.Wait(TimeSpan.FromSeconds(10)), "the drain never began to write");
        var read = Task.Factory.StartNew(
            () =>
            {
                gather.BeforeRead(4096, 4096);
                return Read(device, 4096, 4096);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        bool early = read.Wait(TimeSpan.FromMilliseconds(300));
        release.Set();
        Assert.IsFalse(early, "the read went ahead while the held bytes were still being written");
        Assert.IsTrue(drain.Wait(TimeSpan.FromSeconds(10)));
        CollectionAssert.AreEqual(data.AsSpan(4096, 4096).ToArray(), read.Result);
    }

    [TestMethod]
    public void WideStripes_AreNotGathered()
    {
        using var device = new RecordingDevice(64 * MiB);
        var gather = new WriteGather(device, WriteGather.MaxStripeBytes * 2, () => device);
        var data = Random(MiB, 8);
        Write(gather, 0, data, owner: 1, device);
        CollectionAssert.AreEqual(data, Read(device, 0, MiB));
    }

    /// <summary>Random writes (runs that continue each other among them) and reads: every read sees the last bytes written.</summary>
    [TestMethod]
    [DataRow(11)]
    [DataRow(12)]
    [DataRow(13)]
    public void RandomWritesAndReads_AlwaysSeeTheLastBytesWritten(int seed)
    {
        const int Size = 12 * MiB;
        using var device = new RecordingDevice(Size);
        var gather = new WriteGather(device, Stripe, () => device);
        var model = new byte[Size];
        var random = new Random(seed);
        long next = 0;
        for (int step = 0; step < 400; step++)
        {
            int length = random.Next(4) == 0 ? random.Next(1, 8192) : random.Next(128 * 1024, 2 * MiB);
            long offset = random.Next(3) == 0 || next + length > Size ? random.NextInt64(0, Size - length) : next;
            if (random.Next(3) == 0)
            {
                gather.BeforeRead(offset, length);
                AssertSame(model.AsSpan((int)offset, length), Read(device, offset, length), $"step {step}: read of {length} at {offset}");
                continue;
            }

            var data = Random(length, step + (seed * 1000));
            Write(gather, offset, data, owner: 1, device);
            data.CopyTo(model, offset);
            next = offset + length;
        }

        gather.Drain();
        AssertSame(model, Read(device, 0, Size), "after the drain");
    }

    private static void AssertSame(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        int at = expected.CommonPrefixLength(actual);
        Assert.IsTrue(at == expected.Length && at == actual.Length, $"{what}: first difference at byte {at}");
    }

    private static unsafe void Write(WriteGather gather, long offset, ReadOnlySpan<byte> data, uint owner, IBlockDevice? array)
    {
        fixed (byte* p = data)
        {
            gather.Write(offset, p, data.Length, owner, array);
        }
    }

    private static byte[] Read(RecordingDevice device, long offset, int length)
    {
        var back = new byte[length];
        device.Read(offset, back);
        return back;
    }

    private static byte[] Random(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
