using RaidEmu.Core.Faults;
using RaidEmu.Core.Integrity;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Tests.Md;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Integrity;

/// <summary>
/// The issue's own experiment: the fault layer's <c>corrupt</c> fault (seeded bit rot the drive returns on
/// every read until the sector is rewritten) on any one member, on arrays with and without checksums. The
/// member files themselves stay clean, so what is read is what a rotting drive would return.
/// </summary>
[TestClass]
public sealed class IntegrityCorruptFaultTests
{
    private const long DiskBytes = 3 * 1024 * 1024;
    private const int SectorsPerBlock = BlockTags.BlockBytes / Fault.SectorBytes;

    public static IEnumerable<object[]> Shapes => IntegrityArrayTests.Shapes;

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void CorruptFault_WithChecksums_ReadsReturnTheWrittenBytes_AndTheRotIsRewritten(RaidLevel level, int disks, Raid5Algorithm layout)
    {
        for (int rotten = 0; rotten < disks; rotten++)
        {
            using var tmp = new TempFolder();
            string dir = tmp.Combine("a");
            byte[] written = Fill(dir, level, disks, layout, IntegrityAlgorithm.Xxh3, seed: rotten);
            var faults = InjectCorrupt(dir, rotten, seed: 40 + rotten);

            using var array = ArrayFolder.Open(dir);
            var member = array.Members.Single(m => m.DevNumber == rotten);
            for (int pass = 0; pass < disks; pass++)
            {
                CollectionAssert.AreEqual(written, TestArrays.ReadAll(array), $"pass {pass}, disk {rotten} rotting");
            }

            Assert.IsTrue(member.CorrectedChecksumErrors > 0, "the corrections are counted on the rotting member");
            Assert.IsTrue(array.Members.Where(m => m.DevNumber != rotten).All(m => m.CorrectedChecksumErrors == 0), "only the rotting member is blamed");
            Assert.AreEqual(MemberState.InSync, member.State, "md's read-error path keeps the member");

            // A check reads every block, parity included: each rotten one fails its checksum and is rewritten from
            // the others, and a rewrite is what ends a drive's rot, so no fault is left anywhere.
            var report = array.ScrubWithReport(repair: false);
            Assert.AreEqual(0L, report.Mismatches, "with checksums the rot never reaches parity arithmetic");
            Assert.IsEmpty(array.Faults.For(rotten).ToList(), $"every rotten sector of {faults} faults was rewritten");
            Assert.IsEmpty(FaultSet.Load(dir).Faults, "the drive's remaps are saved");
            CollectionAssert.AreEqual(written, TestArrays.ReadAll(array));
            Assert.AreEqual(MemberState.InSync, member.State);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void CorruptFault_WithoutChecksums_IsReadAsData_AndOnlyCheckSeesIt(RaidLevel level, int disks, Raid5Algorithm layout)
    {
        using var tmp = new TempFolder();
        string dir = tmp.Combine("a");
        byte[] written = Fill(dir, level, disks, layout, IntegrityAlgorithm.None, seed: 7);
        InjectCorrupt(dir, 0, seed: 47);

        using var array = ArrayFolder.Open(dir);
        bool wrong = false;
        for (int pass = 0; pass < disks; pass++)
        {
            wrong |= !TestArrays.ReadAll(array).AsSpan().SequenceEqual(written);
        }

        Assert.IsTrue(wrong, "md returns the rotten bytes from some read");
        Assert.IsTrue(array.Members.All(m => m.State == MemberState.InSync && m.CorrectedChecksumErrors == 0), "md saw no error");
        Assert.IsTrue(array.Scrub(repair: false) > 0, "check counts the mismatches");
        Assert.IsNotEmpty(array.Faults.For(0).ToList(), "nothing was rewritten, so the drive still rots");
    }

    private static byte[] Fill(string dir, RaidLevel level, int disks, Raid5Algorithm layout, IntegrityAlgorithm integrity, int seed)
    {
        using var array = ArrayFolder.Create(dir, IntegrityArrayTests.Options(level, disks, layout, integrity), DiskBytes, spares: 0);
        return TestArrays.FillRandom(array, seed);
    }

    /// <summary>Saves <c>corrupt</c> faults on 12 random 4 KiB blocks of one member's data area; returns how many.</summary>
    private static int InjectCorrupt(string dir, int disk, int seed)
    {
        var random = new Random(seed);
        long blocks = (DiskBytes - ArrayCreateOptions.DataOffsetBytes) / BlockTags.BlockBytes;
        var faults = new FaultSet();
        foreach (long block in Enumerable.Range(0, 12).Select(_ => random.NextInt64(blocks)).Distinct())
        {
            faults.Add(new Fault { Disk = disk, Kind = FaultKind.Corrupt, FirstSector = block * SectorsPerBlock, SectorCount = SectorsPerBlock, Seed = seed });
        }

        faults.Save(dir);
        return faults.Faults.Count;
    }
}
