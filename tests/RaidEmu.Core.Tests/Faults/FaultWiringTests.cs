using RaidEmu.Core.Devices;
using RaidEmu.Core.Devices.Timing;
using RaidEmu.Core.Faults;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Faults;

/// <summary>Every member an array folder opens or adds sits behind its disk's faults (and the timing profile).</summary>
[TestClass]
public sealed class FaultWiringTests
{
    private const long DiskBytes = 4 * 1024 * 1024;

    [TestMethod]
    public void AnArrayOpenedFromAFolder_AppliesFaultsJsonToTheRightDisk()
    {
        using var tmp = new TempFolder();
        string dir = Create(tmp);
        var saved = new FaultSet();
        saved.Add(new Fault { Disk = 1, Kind = FaultKind.Unreadable, FirstSector = 8, SectorCount = 8 });
        saved.Save(dir);

        using var array = ArrayFolder.Open(dir);
        long data = array.Geometry.DataOffsetBytes;
        Assert.HasCount(1, array.Faults.Faults);
        var error = Assert.ThrowsExactly<MediumErrorException>(() => Member(array, 1).Read(data + 4096, new byte[4096]));
        Assert.AreEqual(data + 4096, error.Offset);
        Member(array, 1).Read(0, new byte[8192]);
        Member(array, 1).Read(data, new byte[4096]);
        Member(array, 0).Read(data + 4096, new byte[4096]);
        Member(array, 2).Read(data + 4096, new byte[4096]);
    }

    [TestMethod]
    public void AFaultAddedToTheLiveSet_TakesEffectAtOnce_AndTheDevicesChangesAreSaved()
    {
        using var tmp = new TempFolder();
        string dir = Create(tmp);
        using var array = ArrayFolder.Open(dir);
        long data = array.Geometry.DataOffsetBytes;
        Member(array, 2).Read(data, new byte[4096]);

        var fault = array.Faults.Add(new Fault { Disk = 2, Kind = FaultKind.Unreadable, FirstSector = 0, SectorCount = 16 });
        Assert.ThrowsExactly<MediumErrorException>(() => Member(array, 2).Read(data, new byte[4096]));

        // The drive remaps what it rewrote, and the folder remembers.
        Member(array, 2).Write(data, new byte[4096]);
        var left = FaultSet.Load(dir).Faults.Single();
        Assert.AreEqual((fault.Id, 8L, 8L), (left.Id, left.FirstSector!.Value, left.SectorCount!.Value));
    }

    [TestMethod]
    public void AnAddedMember_SitsBehindItsFaultsToo()
    {
        using var tmp = new TempFolder();
        string dir = Create(tmp);
        using var array = ArrayFolder.Open(dir);
        array.Faults.Add(new Fault { Disk = 3, Kind = FaultKind.FailAfter, AfterWrites = 0 });
        var added = ArrayFolder.AddMember(dir, array);
        Assert.AreEqual(3, added.DevNumber);
        Assert.IsInstanceOfType<FaultInjectingDevice>(added.Device);
        Assert.ThrowsExactly<DeviceGoneException>(() => added.Device.Write(array.Geometry.DataOffsetBytes, new byte[512]));
    }

    [TestMethod]
    public void TimingJson_PutsTheModelUnderTheFaults_AndNoFileNoModel()
    {
        using var tmp = new TempFolder();
        string dir = Create(tmp);
        using (var plain = ArrayFolder.Open(dir))
        {
            Assert.IsInstanceOfType<FileBlockDevice>(((FaultInjectingDevice)plain.Members[0].Device).Inner);
        }

        TimingProfile.Named("nvme")!.Save(dir);
        using var timed = ArrayFolder.Open(dir);
        var inner = ((FaultInjectingDevice)timed.Members[0].Device).Inner;
        Assert.AreEqual(TimingModel.Nvme, ((TimedBlockDevice)inner).Model);
        var buffer = new byte[4096];
        timed.Write(0, new byte[4096]);
        timed.Read(0, buffer);
    }

    [TestMethod]
    public void DamagedFaultsJson_FailsTheOpenWithOneLineNamingTheFile()
    {
        using var tmp = new TempFolder();
        string dir = Create(tmp);
        File.WriteAllText(FaultSet.PathIn(dir), "not json");
        var error = Assert.ThrowsExactly<IOException>(() => ArrayFolder.Open(dir));
        StringAssert.Contains(error.Message, FaultSet.PathIn(dir));
        Assert.DoesNotContain('\n', error.Message);
    }

    [TestMethod]
    public void AnInspection_MeetsTheFaultsToo_ButSavesNothing()
    {
        using var tmp = new TempFolder();
        string dir = Create(tmp);
        var saved = new FaultSet();
        saved.Add(new Fault { Disk = 0, Kind = FaultKind.Unreadable });
        saved.Add(new Fault { Disk = 1, Kind = FaultKind.Unreadable, FirstSector = 0, SectorCount = 8 });
        saved.Save(dir);
        string before = File.ReadAllText(FaultSet.PathIn(dir));

        using var array = ArrayFolder.Open(dir, inspect: true);
        Assert.HasCount(2, array.Faults.Faults);
        Assert.AreEqual(2, array.Members.Count, "disk 0's superblock cannot be read: md's tools leave it out");
        StringAssert.Contains(array.LeftOut.Single().Reason, "injected fault");
        Assert.ThrowsExactly<MediumErrorException>(() => Member(array, 1).Read(array.Geometry.DataOffsetBytes, new byte[512]));
        array.Faults.Add(new Fault { Disk = 2, Kind = FaultKind.Slow });
        Assert.AreEqual(before, File.ReadAllText(FaultSet.PathIn(dir)));
    }

    private static IBlockDevice Member(RaidArray array, int devNumber) => array.Members.Single(m => m.DevNumber == devNumber).Device;

    private static string Create(TempFolder tmp)
    {
        string dir = tmp.Combine("r5");
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 3, ChunkBytes = 64 * 1024, Name = "r5", AssumeClean = true };
        ArrayFolder.Create(dir, options, DiskBytes, spares: 0).Dispose();
        return dir;
    }
}
