using RaidEmu.Core.Integrity;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Tests.Md;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Integrity;

/// <summary>
/// Bit rot on one member of an array, with and without checksums: with them every read returns the written
/// bytes; without them (md) wrong bytes can be read and only a check sees the difference.
/// </summary>
[TestClass]
public sealed class IntegrityArrayTests
{
    private const long DiskBytes = 3 * 1024 * 1024;
    private const int Block = BlockTags.BlockBytes;

    public static IEnumerable<object[]> Shapes =>
    [
        [RaidLevel.Raid1, 2, Raid5Algorithm.LeftSymmetric],
        [RaidLevel.Raid1, 3, Raid5Algorithm.LeftSymmetric],
        [RaidLevel.Raid5, 3, Raid5Algorithm.LeftAsymmetric],
        [RaidLevel.Raid5, 4, Raid5Algorithm.RightAsymmetric],
        [RaidLevel.Raid5, 3, Raid5Algorithm.LeftSymmetric],
        [RaidLevel.Raid5, 4, Raid5Algorithm.RightSymmetric],
    ];

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void RotOnOneMember_WithChecksums_EveryReadReturnsTheWrittenBytes(RaidLevel level, int disks, Raid5Algorithm layout)
    {
        for (int rotten = 0; rotten < disks; rotten++)
        {
            using var tmp = new TempFolder();
            string dir = tmp.Combine("a");
            byte[] written;
            using (var array = ArrayFolder.Create(dir, Options(level, disks, layout, IntegrityAlgorithm.Xxh3), DiskBytes, spares: 0))
            {
                written = TestArrays.FillRandom(array, rotten);
            }

            var blocks = Rot(ArrayFolder.MemberPath(dir, rotten), seed: rotten);
            using (var array = ArrayFolder.Open(dir))
            {
                for (int pass = 0; pass < disks; pass++)
                {
                    CollectionAssert.AreEqual(written, TestArrays.ReadAll(array), $"pass {pass}, disk {rotten} rotten");
                }

                var member = array.Members.Single(m => m.DevNumber == rotten);
                Assert.IsTrue(member.Integrity!.FailedBlocks > 0, "the rotten member's checksums caught the rot");
                Assert.AreEqual(MemberState.InSync, member.State, "md's read-error path keeps the member");
                Assert.IsTrue(member.CorrectedChecksumErrors > 0, "the corrections are counted");
                Assert.IsTrue(array.Members.Where(m => m.DevNumber != rotten).All(m => m.Integrity!.FailedBlocks == 0));

                // A check reads every block of every member: what the reads did not touch (parity) is found and rewritten too.
                array.Scrub(repair: false);
                Assert.AreEqual(0, member.Integrity.FindFailingBlocks(0, member.Integrity.Length).Count, "every rotten block was rewritten");
                Assert.AreEqual(MemberState.InSync, member.State);
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void RotOnOneMember_WithoutChecksums_IsReadAsDataAndOnlyCheckSeesIt(RaidLevel level, int disks, Raid5Algorithm layout)
    {
        using var tmp = new TempFolder();
        string dir = tmp.Combine("a");
        byte[] written;
        using (var array = ArrayFolder.Create(dir, Options(level, disks, layout, IntegrityAlgorithm.None), DiskBytes, spares: 0))
        {
            written = TestArrays.FillRandom(array, 5);
        }

        Assert.IsFalse(File.Exists(IntegrityFiles.SidecarPath(ArrayFolder.MemberPath(dir, 0))), "no sidecar: the members are md's");
        Rot(ArrayFolder.MemberPath(dir, 0), seed: 5);
        using var plain = ArrayFolder.Open(dir);
        bool wrong = false;
        for (int pass = 0; pass < disks; pass++)
        {
            wrong |= !TestArrays.ReadAll(plain).AsSpan().SequenceEqual(written);
        }

        Assert.IsTrue(wrong, "md returns the rotten bytes from some read");
        Assert.IsTrue(plain.Members.All(m => m.State == MemberState.InSync), "md saw no error");
        Assert.IsTrue(plain.Scrub(repair: false) > 0, "check counts the mismatches");
    }

    [TestMethod]
    [DataRow(0, IntegrityAlgorithm.Xxh3)]
    [DataRow(1, IntegrityAlgorithm.Xxh3)]
    [DataRow(0, IntegrityAlgorithm.None)]
    public void Repair_OnARaid1_RestoresTheGoodBytesWhicheverMirrorRotted_WithChecksumsOnly(int rotten, IntegrityAlgorithm integrity)
    {
        using var tmp = new TempFolder();
        string dir = tmp.Combine("a");
        byte[] written;
        using (var array = ArrayFolder.Create(dir, Options(RaidLevel.Raid1, 2, default, integrity), DiskBytes, spares: 0))
        {
            written = TestArrays.FillRandom(array, 21);
        }

        Rot(ArrayFolder.MemberPath(dir, rotten), seed: 21);
        using (var array = ArrayFolder.Open(dir))
        {
            array.Scrub(repair: true);
        }

        for (int disk = 0; disk < 2; disk++)
        {
            var data = File.ReadAllBytes(ArrayFolder.MemberPath(dir, disk)).AsSpan((int)ArrayCreateOptions.DataOffsetBytes, written.Length);
            if (integrity != IntegrityAlgorithm.None)
            {
                Assert.IsTrue(data.SequenceEqual(written), $"disk {disk} holds the written bytes after repair (disk {rotten} rotted)");
            }
            else
            {
                // md cannot tell which copy is right: the first mirror wins, so its rot is copied over the good one.
                Assert.IsFalse(data.SequenceEqual(written), $"without checksums repair bakes disk {rotten}'s rot into disk {disk}");
            }
        }
    }

    [TestMethod]
    public void MissingOrDamagedSidecar_RefusesTheArrayByName()
    {
        using var tmp = new TempFolder();
        string dir = tmp.Combine("a");
        ArrayFolder.Create(dir, Options(RaidLevel.Raid1, 2, default, IntegrityAlgorithm.Crc32C), DiskBytes, spares: 0).Dispose();
        string sidecar = IntegrityFiles.SidecarPath(ArrayFolder.MemberPath(dir, 1));
        File.Move(sidecar, sidecar + ".away");
        var missing = Assert.ThrowsExactly<IntegrityFileException>(() => ArrayFolder.Open(dir));
        StringAssert.Contains(missing.Message, "disk1.img.integrity is missing");

        File.Move(sidecar + ".away", ArrayFolder.MemberPath(dir, 0) + ".integrity", overwrite: true);
        File.Copy(ArrayFolder.MemberPath(dir, 0) + ".integrity", sidecar);
        var swapped = Assert.ThrowsExactly<IntegrityFileException>(() => ArrayFolder.Open(dir));
        StringAssert.Contains(swapped.Message, "belongs to member");
    }

    [TestMethod]
    public void RemoveAndAdd_CarryOrMakeSidecars()
    {
        using var tmp = new TempFolder();
        string dir = tmp.Combine("a");
        byte[] written;
        using (var array = ArrayFolder.Create(dir, Options(RaidLevel.Raid1, 2, default, IntegrityAlgorithm.Xxh3), DiskBytes, spares: 0))
        {
            written = TestArrays.FillRandom(array, 9);
            array.Fail(1);
            ArrayFolder.RemoveMember(array, 1);
            Assert.IsTrue(File.Exists(ArrayFolder.MemberPath(dir, 1) + ArrayFolder.RemovedSuffix + IntegrityFiles.Suffix), "the sidecar follows its file");
            var added = ArrayFolder.AddMember(dir, array);
            Assert.IsNotNull(added.Integrity);
            Assert.AreEqual(added.DeviceUuid, added.Integrity.MemberUuid);
            array.RunSync();
        }

        File.Delete(ArrayFolder.MemberPath(dir, 0));
        File.Delete(IntegrityFiles.SidecarPath(ArrayFolder.MemberPath(dir, 0)));
        using var rebuilt = ArrayFolder.Open(dir);
        CollectionAssert.AreEqual(written, TestArrays.ReadAll(rebuilt), "the rebuilt member reads back verified on its own");
        Assert.AreEqual(0, rebuilt.Members.Sum(m => m.Integrity!.FailedBlocks));
    }

    internal static ArrayCreateOptions Options(RaidLevel level, int disks, Raid5Algorithm layout, IntegrityAlgorithm integrity) => new()
    {
        Level = level,
        RaidDisks = disks,
        ChunkBytes = 64 * 1024,
        Algorithm = layout,
        AssumeClean = true,
        Integrity = integrity,
        Uuid = Guid.NewGuid(),
    };

    /// <summary>Flips one bit in each of 12 random 4 KiB blocks of the member's data area; returns their member offsets.</summary>
    internal static List<long> Rot(string memberFile, int seed)
    {
        var random = new Random(seed);
        var bytes = File.ReadAllBytes(memberFile);
        long dataBlocks = (DiskBytes - ArrayCreateOptions.DataOffsetBytes) / Block;
        var blocks = Enumerable.Range(0, 12).Select(_ => random.NextInt64(dataBlocks) * Block).Distinct().Order().ToList();
        foreach (long block in blocks)
        {
            bytes[ArrayCreateOptions.DataOffsetBytes + block + random.Next(Block)] ^= (byte)(1 << random.Next(8));
        }

        File.WriteAllBytes(memberFile, bytes);
        return blocks;
    }
}
