using RaidEmu.Core.Devices.Timing;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests;

/// <summary>create --profile: the disk timing model kept in the array folder.</summary>
[TestClass]
public sealed class ProfileTests
{
    [TestMethod]
    public void CreateWithAProfile_WritesTimingJson_AndTheArrayStillWorksUnderIt()
    {
        using var tmp = new TempFolder();
        string dir = tmp.Combine("fast");
        var created = Cli.Run("create", dir, "--level", "1", "--disks", "2", "--disk-size", "4M", "--assume-clean", "--profile", "nvme").Ok();
        StringAssert.Contains(created.Out, "disk timing profile nvme");
        Assert.AreEqual("nvme", TimingProfile.Load(dir)!.Profile);

        string input = tmp.Combine("in.bin");
        byte[] data = [.. Enumerable.Range(0, 65536).Select(i => (byte)(i * 7))];
        File.WriteAllBytes(input, data);
        Cli.Run("write", dir, "--input", input).Ok();
        string output = tmp.Combine("out.bin");
        Cli.Run("read", dir, "--output", output, "--length", "64K").Ok();
        CollectionAssert.AreEqual(data, File.ReadAllBytes(output));
    }

    [TestMethod]
    public void CreateWithoutAProfile_OrWithNone_WritesNoTimingFile()
    {
        using var tmp = new TempFolder();
        Cli.Run("create", tmp.Combine("a"), "--level", "1", "--disks", "2", "--disk-size", "4M", "--assume-clean").Ok();
        Cli.Run("create", tmp.Combine("b"), "--level", "1", "--disks", "2", "--disk-size", "4M", "--assume-clean", "--profile", "none").Ok();
        Assert.IsFalse(File.Exists(TimingProfile.PathIn(tmp.Combine("a"))));
        Assert.IsFalse(File.Exists(TimingProfile.PathIn(tmp.Combine("b"))));
    }

    [TestMethod]
    public void AnUnknownProfile_IsRefusedBeforeAnythingIsMade()
    {
        using var tmp = new TempFolder();
        string dir = tmp.Combine("tape");
        Cli.Run("create", dir, "--level", "1", "--disks", "2", "--disk-size", "4M", "--profile", "tape").Fails(2, "--profile: unknown disk timing profile 'tape': use none, hdd, ssd, nvme");
        Assert.IsFalse(Directory.Exists(dir));
    }
}
