using RaidEmu.Core.Devices;
using RaidEmu.Core.Faults;
using static RaidEmu.Core.Tests.Faults.FaultDeviceRig;

namespace RaidEmu.Core.Tests.Faults;

/// <summary>Unreadable, unwritable and corrupt ranges, against a byte-array model of the media.</summary>
[TestClass]
public sealed class MediumFaultTests
{
    [TestMethod]
    public void Unreadable_ReadsTouchingTheRangeFailWithItsDeviceBytes_OthersReadTheMedia()
    {
        using var rig = new FaultDeviceRig();
        rig.Add(FaultKind.Unreadable, first: 100, count: 8);

        var error = Assert.ThrowsExactly<MediumErrorException>(() => rig.Read(At(96), 8192));
        Assert.AreEqual(At(100), error.Offset);
        Assert.AreEqual(8 * 512, error.Length);
        Assert.IsFalse(error.IsWrite);
        Assert.ThrowsExactly<MediumErrorException>(() => rig.Read(At(107), 512), "the last sector of the range");

        CollectionAssert.AreEqual(rig.Expected(At(0), 100 * 512), rig.Read(At(0), 100 * 512), "the sectors before it");
        CollectionAssert.AreEqual(rig.Expected(At(108), 4096), rig.Read(At(108), 4096), "the sectors after it");
        CollectionAssert.AreEqual(rig.Expected(0, DataOffset), rig.Read(0, DataOffset), "below the data area a ranged fault never applies");
    }

    [TestMethod]
    public void Unreadable_AWriteRemapsTheSectorsItCoversInFull_AndSplitsTheFault()
    {
        using var rig = new FaultDeviceRig();
        var fault = rig.Add(FaultKind.Unreadable, first: 100, count: 16);

        // Sectors 104..107 in full, and half of 108: only the whole sectors are remapped.
        rig.Write(At(104), Pattern((4 * 512) + 256, 0xAB));

        var left = rig.Faults.Faults.OrderBy(f => f.FirstSector).ToList();
        Assert.HasCount(2, left);
        Assert.AreEqual((100L, 4L, fault.Id), (left[0].FirstSector!.Value, left[0].SectorCount!.Value, left[0].Id));
        Assert.AreEqual((108L, 8L), (left[1].FirstSector!.Value, left[1].SectorCount!.Value));
        CollectionAssert.AreEqual(rig.Expected(At(104), 2048), rig.Read(At(104), 2048), "the rewritten sectors read back what was written");
        Assert.ThrowsExactly<MediumErrorException>(() => rig.Read(At(108), 512));
        Assert.ThrowsExactly<MediumErrorException>(() => rig.Read(At(103), 512));

        rig.Write(At(100), Pattern(4 * 512, 1));
        rig.Write(At(108), Pattern(8 * 512, 2));
        Assert.IsEmpty(rig.Faults.Faults, "a fault whose every sector was rewritten is gone");
        CollectionAssert.AreEqual(rig.Expected(At(96), 32 * 512), rig.Read(At(96), 32 * 512));
    }

    [TestMethod]
    public void Unwritable_WritesTouchingTheRangeFailAndChangeNothing_ReadsWork()
    {
        using var rig = new FaultDeviceRig();
        rig.Add(FaultKind.Unwritable, first: 10, count: 2);

        var error = Assert.ThrowsExactly<MediumErrorException>(() => rig.Device.Write(At(8), Pattern(4096, 9)));
        Assert.IsTrue(error.IsWrite);
        Assert.AreEqual((At(10), 1024L), (error.Offset, error.Length));
        CollectionAssert.AreEqual(rig.Expected(At(0), 8192), rig.Read(At(0), 8192), "the failed write left the media as they were");

        rig.Write(At(12), Pattern(4096, 3));
        rig.Write(0, Pattern(4096, 4));
        CollectionAssert.AreEqual(rig.Model, rig.Media.Bytes.ToArray());
        Assert.HasCount(1, rig.Faults.Faults, "a failed write remaps nothing");
    }

    [TestMethod]
    public void Corrupt_ReadsReturnTheSameFewFlippedBitsPerSector_AndAWriteEndsTheRot()
    {
        using var rig = new FaultDeviceRig();
        rig.Add(FaultKind.Corrupt, first: 0, count: 64);

        byte[] first = rig.Read(At(0), 64 * 512);
        byte[] expected = rig.Expected(At(0), 64 * 512);
        for (int sector = 0; sector < 64; sector++)
        {
            int flipped = Enumerable.Range(sector * 512, 512).Sum(i => System.Numerics.BitOperations.PopCount((uint)(first[i] ^ expected[i])));
            Assert.IsTrue(flipped is >= 1 and <= 3, $"sector {sector} has {flipped} flipped bits");
        }

        // The same rot however the sectors are read.
        byte[] pieces = [.. rig.Read(At(0), 1000), .. rig.Read(At(0) + 1000, (64 * 512) - 1000)];
        CollectionAssert.AreEqual(first, pieces);
        CollectionAssert.AreEqual(rig.Expected(At(64), 4096), rig.Read(At(64), 4096), "outside the range");

        rig.Write(At(8), Pattern(512, 5));
        CollectionAssert.AreEqual(rig.Expected(At(8), 512), rig.Read(At(8), 512), "a rewritten sector holds what was written");
    }

    [TestMethod]
    public void Corrupt_TheSameSeedRotsTheSameBits_AnotherSeedOthers()
    {
        byte[] Rotten(long seed)
        {
            using var rig = new FaultDeviceRig();
            rig.Faults.Add(new Fault { Disk = 2, Kind = FaultKind.Corrupt, FirstSector = 0, SectorCount = 32, Seed = seed });
            byte[] read = rig.Read(At(0), 32 * 512);
            return [.. read.Zip(rig.Expected(At(0), 32 * 512), (a, b) => (byte)(a ^ b))];
        }

        CollectionAssert.AreEqual(Rotten(11), Rotten(11));
        CollectionAssert.AreNotEqual(Rotten(11), Rotten(12));
    }

    [TestMethod]
    public void WholeDiskFaults_ReachBelowTheDataArea_AndOtherDisksFaultsDoNothing()
    {
        using var rig = new FaultDeviceRig(disk: 2);
        rig.Add(FaultKind.Unreadable, disk: 3);
        CollectionAssert.AreEqual(rig.Expected(0, 8192), rig.Read(0, 8192), "disk 3's fault is not disk 2's");

        rig.Add(FaultKind.Unreadable);
        var error = Assert.ThrowsExactly<MediumErrorException>(() => rig.Read(4096, 4096));
        Assert.AreEqual((4096L, 4096L), (error.Offset, error.Length), "the superblock area fails too");
        rig.Write(At(0), Pattern(4096, 1));
        Assert.ThrowsExactly<MediumErrorException>(() => rig.Read(At(0), 512), "a whole-disk fault is not remapped by writes");
    }

    [TestMethod]
    public void FaultsAddedOrClearedLater_ApplyFromTheNextIo()
    {
        using var rig = new FaultDeviceRig();
        CollectionAssert.AreEqual(rig.Expected(At(0), 512), rig.Read(At(0), 512));
        var fault = rig.Add(FaultKind.Unreadable, first: 0, count: 1);
        Assert.ThrowsExactly<MediumErrorException>(() => rig.Read(At(0), 512));
        rig.Faults.Remove(f => f.Id == fault.Id);
        CollectionAssert.AreEqual(rig.Expected(At(0), 512), rig.Read(At(0), 512));
    }
}
