using RaidEmu.Core.Devices.Timing;
using RaidEmu.Core.Faults;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Faults;

/// <summary>faults.json and timing.json in the array folder.</summary>
[TestClass]
public sealed class FaultFileTests
{
    [TestMethod]
    public void Faults_RoundTripEveryField_AndKeepTheNextId()
    {
        using var tmp = new TempFolder();
        var set = new FaultSet();
        var added = new[]
        {
            set.Add(new Fault { Disk = 1, Kind = FaultKind.Unreadable, FirstSector = 100, SectorCount = 8, Seed = 4, Added = DateTimeOffset.UnixEpoch }),
            set.Add(new Fault { Disk = 0, Kind = FaultKind.Slow, LatencyMs = 2.5, JitterMs = 1, BytesPerSecond = 1000 }),
            set.Add(new Fault { Disk = 2, Kind = FaultKind.FailAfter, AfterWrites = 5, AfterBytes = 4096, Tripped = true }),
            set.Add(new Fault { Disk = 2, Kind = FaultKind.Vanish, DurationMs = 300 }),
            set.Add(new Fault { Disk = 3, Kind = FaultKind.Flaky, Rate = 0.5 }),
        };
        set.Remove(f => f.Id == added[4].Id);
        set.Save(tmp.Path);

        StringAssert.Contains(File.ReadAllText(FaultSet.PathIn(tmp.Path)), "\"fail-after\"");
        var loaded = FaultSet.Load(tmp.Path);
        CollectionAssert.AreEqual(added[..4], loaded.Faults.ToArray());
        Assert.AreEqual(6, loaded.Add(new Fault { Kind = FaultKind.Hang }).Id, "an id is never reused");
    }

    [TestMethod]
    public void DamagedFiles_FailWithOneLineNamingTheFile()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(FaultSet.PathIn(tmp.Path), "{\"faults\": [{\"kind\": \"melted\"}]}");
        var error = Assert.ThrowsExactly<IOException>(() => FaultSet.Load(tmp.Path));
        StringAssert.Contains(error.Message, FaultSet.PathIn(tmp.Path));
        Assert.DoesNotContain('\n', error.Message);

        File.WriteAllText(TimingProfile.PathIn(tmp.Path), "{\"profile\": \"floppy\"}");
        error = Assert.ThrowsExactly<IOException>(() => TimingProfile.Load(tmp.Path));
        StringAssert.Contains(error.Message, TimingProfile.PathIn(tmp.Path));
        StringAssert.Contains(error.Message, "floppy");
    }

    [TestMethod]
    public void Timing_NoFileMeansNoModel_AndOverridesRoundTrip()
    {
        using var tmp = new TempFolder();
        Assert.IsNull(TimingProfile.Load(tmp.Path));
        Assert.IsNull(TimingProfile.Named("none"));
        Assert.ThrowsExactly<ArgumentException>(() => TimingProfile.Named("tape"));

        var profile = TimingProfile.Named("HDD")! with { Rpm = 5400, Seed = 9 };
        profile.Save(tmp.Path);
        var loaded = TimingProfile.Load(tmp.Path)!;
        Assert.AreEqual(profile, loaded);
        Assert.AreEqual(TimingModel.Hdd with { Rpm = 5400 }, loaded.Model());
    }
}
