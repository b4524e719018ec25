using RaidEmu.Core.Integrity;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Tests.Md;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Integrity;

/// <summary>
/// A scrub of an array with checksums names each member block that failed its own, with what it held of the
/// volume, and rewrites only those blocks: every other byte of every member stays as it was.
/// </summary>
[TestClass]
public sealed class IntegrityScrubReportTests
{
    private const long DiskBytes = 3 * 1024 * 1024;
    private const int Chunk = 64 * 1024;
    private const long StripeBytes = 3 * Chunk;

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Raid1_RotOnMirror1_NamesDisk1AndTheLogicalOffset_AndRewritesOnlyThatBlock(bool repair)
    {
        using var tmp = new TempFolder();
        string dir = tmp.Combine("a");
        var (written, before) = Build(dir, RaidLevel.Raid1, 2);
        RotAt(dir, disk: 1, memberOffset: 299_008 + 17);

        var report = Scrub(dir, repair, written);

        Assert.AreEqual(0, report.Mismatches, "the rot never reached md's compare: the read-error path rebuilt it first");
        Assert.AreEqual(new ChecksumFailure(1, 299_008, BlockTags.BlockBytes, 299_008, null, 0), report.ChecksumFailures.Single());
        AssertMembersAsBefore(dir, before);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Raid5_TellsRottenDataFromRottenParity_AndRewritesOnlyThoseBlocks(bool repair)
    {
        using var tmp = new TempFolder();
        string dir = tmp.Combine("a");
        var (written, before) = Build(dir, RaidLevel.Raid5, 4);

        // Left-symmetric over 4 disks: stripe 1 has parity on slot 2 and its data chunk 1 on slot 0;
        // stripe 2 has parity on slot 1.
        RotAt(dir, disk: 0, memberOffset: Chunk + 8192 + 5);
        RotAt(dir, disk: 1, memberOffset: (2 * Chunk) + 12_288 + 99);

        var report = Scrub(dir, repair, written);

        Assert.AreEqual(0, report.Mismatches);
        CollectionAssert.AreEqual(
            new[]
            {
                new ChecksumFailure(0, Chunk + 8192, BlockTags.BlockBytes, StripeBytes + Chunk + 8192, null, StripeBytes),
                new ChecksumFailure(1, (2 * Chunk) + 12_288, BlockTags.BlockBytes, null, 2, StripeBytes),
            },
            report.ChecksumFailures.ToArray());
        AssertMembersAsBefore(dir, before);
    }

    /// <summary>Creates a checksummed array full of random bytes; returns them and each member file as written.</summary>
    private static (byte[] Written, List<byte[]> Members) Build(string dir, RaidLevel level, int disks)
    {
        byte[] written;
        using (var array = ArrayFolder.Create(dir, IntegrityArrayTests.Options(level, disks, Raid5Algorithm.LeftSymmetric, IntegrityAlgorithm.Xxh3), DiskBytes, spares: 0))
        {
            written = TestArrays.FillRandom(array, disks);
        }

        return (written, [.. Enumerable.Range(0, disks).Select(d => File.ReadAllBytes(ArrayFolder.MemberPath(dir, d)))]);
    }

    private static ScrubReport Scrub(string dir, bool repair, byte[] written)
    {
        using var array = ArrayFolder.Open(dir);
        var report = array.ScrubWithReport(repair);
        Assert.IsTrue(array.Members.All(m => m.State == MemberState.InSync));
        CollectionAssert.AreEqual(written, TestArrays.ReadAll(array), "the volume reads back as written");
        Assert.AreEqual(0, array.ScrubWithReport(repair: false).ChecksumFailures.Count, "the first scrub rewrote every rotten block");
        return report;
    }

    private static void RotAt(string dir, int disk, long memberOffset)
    {
        using var file = File.Open(ArrayFolder.MemberPath(dir, disk), FileMode.Open);
        file.Position = ArrayCreateOptions.DataOffsetBytes + memberOffset;
        int b = file.ReadByte();
        file.Position--;
        file.WriteByte((byte)(b ^ 0x10));
    }

    // The superblocks change (events, state); the data areas must not, except where the rot was undone.
    private static void AssertMembersAsBefore(string dir, List<byte[]> before)
    {
        int at = (int)ArrayCreateOptions.DataOffsetBytes;
        for (int disk = 0; disk < before.Count; disk++)
        {
            var now = File.ReadAllBytes(ArrayFolder.MemberPath(dir, disk));
            Assert.IsTrue(now.AsSpan(at).SequenceEqual(before[disk].AsSpan(at)), $"disk {disk}'s data area holds what was written, rot undone and nothing else changed");
        }
    }
}
