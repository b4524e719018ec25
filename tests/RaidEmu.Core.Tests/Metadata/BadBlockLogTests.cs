using System.Buffers.Binary;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Tests.Metadata;

/// <summary>The log's encoding, its limits, damage, and where mdadm 1.2 puts it.</summary>
[TestClass]
public sealed class BadBlockLogTests
{
    private const long DataSectors = 1 << 20;

    [TestMethod]
    public void RoundTrip_SplitsLongRunsInto512SectorEntries_AndEndsWithAllOnes()
    {
        var runs = new List<(long, long)> { (5000, 1), (0, 8), (100, 1300) };
        var log = BadBlockLog.Encode(runs, 8);

        Assert.AreEqual(4096, log.Length);
        Assert.AreEqual((100UL << 10) | 512, BinaryPrimitives.ReadUInt64LittleEndian(log.AsSpan(8)), "entries hold start << 10 | length");
        Assert.IsTrue(log.AsSpan(5 * 8).ToArray().All(b => b == 0xff), "after the last entry the log is all ones");
        var decoded = BadBlockLog.Decode(log, 0, DataSectors, "m");
        CollectionAssert.AreEqual(new List<(long, long)> { (0, 8), (100, 512), (612, 512), (1124, 276), (5000, 1) }, decoded.ToList());
    }

    [TestMethod]
    public void FullLog_Holds512Entries_AndOneMoreIsRefused()
    {
        var runs = Enumerable.Range(0, 512).Select(i => ((long)i * 16, 8L)).ToList();
        var log = BadBlockLog.Encode(runs, 8);
        CollectionAssert.AreEqual(runs, BadBlockLog.Decode(log, 0, DataSectors, "m").ToList(), "a full log has no end marker and still reads back whole");

        runs.Add((512 * 16, 8));
        Assert.ThrowsExactly<ArgumentException>(() => BadBlockLog.Encode(runs, 8));
        Assert.ThrowsExactly<ArgumentException>(() => BadBlockLog.Encode([(0, 512L * 513)], 8), "a run longer than 512 entries can hold");
    }

    [TestMethod]
    public void Shift_CountsUnitsOfPowerOfTwoSectors()
    {
        var log = BadBlockLog.Encode([(10, 3)], 8, shift: 3);
        Assert.AreEqual((1UL << 10) | 1, BinaryPrimitives.ReadUInt64LittleEndian(log), "sectors 10-12 lie in unit 1 (sectors 8-15)");
        CollectionAssert.AreEqual(new List<(long, long)> { (8, 8) }, BadBlockLog.Decode(log, 3, DataSectors, "m").ToList());
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void GarbageLog_IsAMetadataErrorNamingTheMember(int seed)
    {
        var log = new byte[4096];
        new Random(seed).NextBytes(log);
        var error = Assert.ThrowsExactly<MetadataException>(() => BadBlockLog.Decode(log, 0, DataSectors, "disk1.img"));
        StringAssert.Contains(error.Message, "disk1.img");
        StringAssert.Contains(error.Message, "bad-block log");
    }

    [TestMethod]
    public void ZeroEntryOrRunPastTheData_IsDamage()
    {
        var zeros = new byte[4096];
        Assert.ThrowsExactly<MetadataException>(() => BadBlockLog.Decode(zeros, 0, DataSectors, "m"), "an entry of no length");
        var past = BadBlockLog.Encode([(DataSectors - 4, 8)], 8);
        Assert.ThrowsExactly<MetadataException>(() => BadBlockLog.Decode(past, 0, DataSectors, "m"));
    }

    [TestMethod]
    [DataRow(6144L, 0, 0L, 16, DisplayName = "small, no bitmap: after the 4 KiB mdadm leaves for one")]
    [DataRow(20L * 1024 * 1024 * 2, 0, 0L, 136, DisplayName = "over 8 GiB, no bitmap: after 64 KiB")]
    [DataRow(300L * 1024 * 1024 * 2, 0, 0L, 264, DisplayName = "over 200 GiB, no bitmap: after 128 KiB")]
    [DataRow(6144L, 8, 300L, 16, DisplayName = "bitmap of one 4 KiB block")]
    [DataRow(6144L, 8, 5000L, 24, DisplayName = "bitmap of two 4 KiB blocks")]
    public void Placement_FollowsMdadm(long componentSectors, int bitmapOffset, long bitmapBytes, int expectedOffset)
    {
        Assert.AreEqual((expectedOffset, (ushort)8), BadBlockLog.Place(componentSectors, bitmapOffset, bitmapBytes, 2048));
    }

    [TestMethod]
    public void Placement_FallsBackBeforeTheData_OrToNone()
    {
        Assert.AreEqual((8, (ushort)8), BadBlockLog.Place(6144, 0, 0, 24), "the last 4 KiB before the data");
        Assert.AreEqual((0, (ushort)0), BadBlockLog.Place(6144, 0, 0, 16), "no room after the superblock");
    }
}
