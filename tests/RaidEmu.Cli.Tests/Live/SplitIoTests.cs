using RaidEmu.Live.Fuse;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>
/// How a large FUSE request reaches the array: a write to a RAID 5 is cut only where its stripes end (two
/// pieces of one stripe would each rewrite its parity), a read into whole 64 KiB units; either way every byte
/// lands where it belongs.
/// </summary>
[TestClass]
public sealed class SplitIoTests
{
    private const int MiB = 1024 * 1024;
    private const long Stripe = 3 * 512 * 1024;

    [TestMethod]
    [DataRow(0L, MiB, 1, DisplayName = "inside one stripe")]
    [DataRow(MiB, MiB, 2, DisplayName = "across a stripe end")]
    [DataRow(2L * MiB, 4 * MiB, 3, DisplayName = "over three stripes")]
    public unsafe void AWriteToARaid5_IsCutOnlyWhereStripesEnd(long offset, int length, int stripes)
    {
        using var device = new RecordingDevice(16 * MiB);
        var data = new byte[length];
        new Random(3).NextBytes(data);
        fixed (byte* p = data)
        {
            SplitIo.Write(device, offset, p, length, Stripe);
        }

        var writes = device.Writes.OrderBy(w => w.Offset).ToList();
        string seen = string.Join(", ", writes);
        Assert.AreEqual(Math.Min(Environment.ProcessorCount, stripes), writes.Count, $"one piece per core, never more than stripes: {seen}");
        Assert.AreEqual(offset, writes[0].Offset, seen);
        Assert.IsTrue(writes.Skip(1).All(w => w.Offset % Stripe == 0), $"every piece after the first starts a stripe: {seen}");
        Assert.AreEqual(length, writes.Sum(w => w.Length), "the pieces cover the request once");
        var back = new byte[length];
        device.Read(offset, back);
        CollectionAssert.AreEqual(data, back);
    }

    [TestMethod]
    public unsafe void AWriteWithoutStripes_AndARead_AreCutIntoWholeUnits()
    {
        using var device = new RecordingDevice(16 * MiB);
        var data = new byte[MiB];
        new Random(4).NextBytes(data);
        fixed (byte* p = data)
        {
            SplitIo.Write(device, 4096, p, MiB, stripe: 0);
        }

        Assert.AreEqual(Math.Min(Environment.ProcessorCount, 4), device.Writes.Count, "one piece per core (at most four of 256 KiB)");
        Assert.IsTrue(device.Writes.All(w => (w.Offset - 4096) % (64 * 1024) == 0), "pieces of whole 64 KiB units");
        var back = new byte[MiB];
        fixed (byte* p = back)
        {
            SplitIo.Read(device, 4096, p, MiB);
        }

        CollectionAssert.AreEqual(data, back);
    }
}
