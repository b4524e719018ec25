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
        var gather = new WriteGather(device, Stripe);
        var data = Random(10 * MiB, 1);
        for (int at = 0; at < data.Length; at += MiB)
        {
            Write(gather, at, data.AsSpan(at, MiB), cycle: 0);
        }

        var beforeDrain = device.Writes.ToList();
        string seen = string.Join(", ", beforeDrain);
        Assert.IsTrue(beforeDrain.All(w => w.Offset % Stripe == 0 && w.Length % Stripe == 0), $"only whole stripes before the drain: {seen}");
        Assert.AreEqual(6 * Stripe, beforeDrain.Sum(w => (long)w.Length), $"the six whole stripes, each once: {seen}");

        gather.Drain(cycle: 0);
        Assert.AreEqual((long)data.Length, device.Writes.Sum(w => (long)w.Length), "every byte written once");
        CollectionAssert.AreEqual(data, Read(device, 0, data.Length));
        Assert.IsFalse(gather.TakeLoss());
    }

    [TestMethod]
    public void HeldBytes_AreWrittenBeforeAReadOfThem_AndOnlyThen()
    {
        using var device = new RecordingDevice(16 * MiB);
        var gather = new WriteGather(device, Stripe);
        var data = Random(MiB, 2);
        Write(gather, 0, data, cycle: 0);
        Assert.IsTrue(device.Writes.IsEmpty, "the first MiB of a stripe is held");

        gather.BeforeRead(2 * MiB, 4096, cycle: 0);
        Assert.IsTrue(device.Writes.IsEmpty, "a read elsewhere leaves it held");

        gather.BeforeRead(MiB - 1, 2, cycle: 0);
        CollectionAssert.AreEqual(data, Read(device, 0, MiB), "a read of its last byte sees it");
    }

    [TestMethod]
    public void AWriteElsewhere_WritesTheHeldBytesFirst()
    {
        using var device = new RecordingDevice(16 * MiB);
        var gather = new WriteGather(device, Stripe);
        var held = Random(MiB, 3);
        var other = Random(4096, 4);
        Write(gather, 0, held, cycle: 0);
        Write(gather, 8 * MiB, other, cycle: 0);
        CollectionAssert.AreEqual(held, Read(device, 0, MiB));
        CollectionAssert.AreEqual(other, Read(device, 8 * MiB, 4096), "a small write is never held");
    }

    [TestMethod]
    public void BytesHeldBeforeAPowerLoss_NeverReachTheArray()
    {
        using var device = new RecordingDevice(16 * MiB);
        var gather = new WriteGather(device, Stripe);
        Write(gather, 0, Random(MiB, 5), cycle: 0);

        // The next cycle's writer continues at the same offset: it must not complete the lost stripe.
        var after = Random(MiB, 6);
        Write(gather, MiB, after, cycle: 1);
        gather.Drain(cycle: 1);
        CollectionAssert.AreEqual(new byte[MiB], Read(device, 0, MiB), "bytes held in the lost cycle");
        CollectionAssert.AreEqual(after, Read(device, MiB, MiB));
    }

    [TestMethod]
    public void HeldBytesThatCannotBeWritten_AreReportedOnce()
    {
        using var device = new RecordingDevice(16 * MiB);
        var gather = new WriteGather(device, Stripe);
        Write(gather, 0, Random(MiB, 7), cycle: 0);
        device.FailWrites = true;
        Assert.ThrowsExactly<IOException>(() => gather.Drain(cycle: 0));
        device.FailWrites = false;
        Assert.IsTrue(gather.TakeLoss(), "the next fsync or close learns of it");
        Assert.IsFalse(gather.TakeLoss(), "once");
        gather.Drain(cycle: 0);
        Assert.IsTrue(device.Writes.IsEmpty, "nothing is held after the failure");
    }

    [TestMethod]
    public void WideStripes_AreNotGathered()
    {
        using var device = new RecordingDevice(64 * MiB);
        var gather = new WriteGather(device, WriteGather.MaxStripeBytes * 2);
        var data = Random(MiB, 8);
        Write(gather, 0, data, cycle: 0);
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
        var gather = new WriteGather(device, Stripe);
        var model = new byte[Size];
        var random = new Random(seed);
        long next = 0;
        for (int step = 0; step < 400; step++)
        {
            int length = random.Next(4) == 0 ? random.Next(1, 8192) : random.Next(128 * 1024, 2 * MiB);
            long offset = random.Next(3) == 0 || next + length > Size ? random.NextInt64(0, Size - length) : next;
            if (random.Next(3) == 0)
            {
                gather.BeforeRead(offset, length, cycle: 0);
                AssertSame(model.AsSpan((int)offset, length), Read(device, offset, length), $"step {step}: read of {length} at {offset}");
                continue;
            }

            var data = Random(length, step + (seed * 1000));
            Write(gather, offset, data, cycle: 0);
            data.CopyTo(model, offset);
            next = offset + length;
        }

        gather.Drain(cycle: 0);
        AssertSame(model, Read(device, 0, Size), "after the drain");
    }

    private static void AssertSame(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        int at = expected.CommonPrefixLength(actual);
        Assert.IsTrue(at == expected.Length && at == actual.Length, $"{what}: first difference at byte {at}");
    }

    private static unsafe void Write(WriteGather gather, long offset, ReadOnlySpan<byte> data, int cycle)
    {
        fixed (byte* p = data)
        {
            gather.Write(offset, p, data.Length, cycle);
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
