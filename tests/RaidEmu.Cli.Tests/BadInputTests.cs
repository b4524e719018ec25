using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests;

// The tests share two arrays, and a command that reads or writes one holds its lock: one at a time.
[TestClass]
[DoNotParallelize]
public sealed class BadInputTests
{
    private static TempFolder s_tmp = null!;
    private static string s_r5 = "";
    private static string s_r1 = "";

    [ClassInitialize]
    public static void Setup(TestContext context)
    {
        s_tmp = new TempFolder();
        s_r5 = s_tmp.Combine("r5");
        s_r1 = s_tmp.Combine("r1");
        Cli.Run("create", s_r5, "--level", "5", "--disks", "3", "--disk-size", "2M", "--chunk", "64K").Ok();
        Cli.Run("create", s_r1, "--level", "1", "--disks", "2", "--disk-size", "2M").Ok();
    }

    [ClassCleanup]
    public static void Cleanup() => s_tmp.Dispose();

    [TestMethod]
    public void UnknownVerb() => Cli.Run("explode").Fails(2, "unknown verb 'explode'");

    [TestMethod]
    public void UnknownOption() => Cli.Run("status", s_r5, "--colour").Fails(2, "unknown option 'colour'");

    [TestMethod]
    public void UnknownLevel() => Cli.Run("create", s_tmp.Combine("x6"), "--level", "6", "--disks", "4", "--disk-size", "4M").Fails(2, "unknown RAID level '6'");

    [TestMethod]
    public void TooFewDisks() => Cli.Run("create", s_tmp.Combine("x2"), "--level", "5", "--disks", "2", "--disk-size", "4M").Fails(2, "RAID 5 needs at least 3 disks");

    [TestMethod]
    public void DiskTooSmall() => Cli.Run("create", s_tmp.Combine("small"), "--level", "5", "--disks", "3", "--disk-size", "1M").Fails(2, "too small");

    [TestMethod]
    public void ChunkNotAPowerOfTwo() => Cli.Run("create", s_tmp.Combine("chunk"), "--level", "5", "--disks", "3", "--disk-size", "4M", "--chunk", "48K").Fails(2, "power of two");

    [TestMethod]
    public void BadSize() => Cli.Run("create", s_tmp.Combine("size"), "--level", "1", "--disks", "2", "--disk-size", "lots").Fails(2, "is not a size");

    [TestMethod]
    public void NegativeOffset() => Cli.Run("read", s_r5, "--output", s_tmp.Combine("o"), "--offset=-5").Fails(2, "--offset");

    [TestMethod]
    public void OffsetOutOfRange() => Cli.Run("read", s_r5, "--output", s_tmp.Combine("o"), "--offset", "1G").Fails(2, "outside the array");

    [TestMethod]
    public void ReadingPastTheEnd() => Cli.Run("read", s_r5, "--output", s_tmp.Combine("o"), "--offset", "1M", "--length", "2M").Fails(2, "runs past the end");

    [TestMethod]
    public void WritingPastTheEnd()
    {
        string input = s_tmp.Combine("big.bin");
        File.WriteAllBytes(input, new byte[3 * 1024 * 1024]);
        Cli.Run("write", s_r5, "--input", input).Fails(2, "runs past the end");
    }

    [TestMethod]
    public void MissingInputFile() => Cli.Run("write", s_r5, "--input", s_tmp.Combine("nope.bin")).Fails(2, "does not exist");

    [TestMethod]
    public void DiskOutOfRange() => Cli.Run("fail", s_r5, "--disk", "9").Fails(2, "has no disk 9");

    [TestMethod]
    public void FailingTheLastRaid1Copy()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("last");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        Cli.Run("fail", array, "--disk", "0").Ok();
        Cli.Run("fail", array, "--disk", "1").Fails(1, "last in-sync member");
    }

    [TestMethod]
    public void MissingArray() => Cli.Run("status", s_tmp.Combine("nowhere")).Fails(2, "no array at");

    [TestMethod]
    public void MissingRequiredOption() => Cli.Run("fail", s_r5).Fails(2, "missing required option --disk");

    [TestMethod]
    public void CorruptedMember()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("corrupt");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        using (var file = new FileStream(Path.Combine(array, "disk1.img"), FileMode.Open))
        {
            file.Position = 4096 + 200;
            file.WriteByte(0x55);
        }

        // md assembles without the damaged member; status says which file was left out and why.
        string status = Cli.Run("status", array).Ok().Out;
        StringAssert.Contains(status, "left out:   ");
        StringAssert.Contains(status, "disk1.img: md superblock checksum is wrong");
        StringAssert.Contains(status, "degraded");
        using var json = System.Text.Json.JsonDocument.Parse(Cli.Run("status", array, "--json").Ok().Out);
        var left = json.RootElement.GetProperty("leftOut").EnumerateArray().Single();
        Assert.AreEqual("disk1.img", left.GetProperty("file").GetString());
        Cli.Run("read", array, "--output", tmp.Combine("out")).Ok();
    }

    [TestMethod]
    public void ForeignMember()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("mine");
        string other = tmp.Combine("theirs");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        Cli.Run("create", other, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        File.Copy(Path.Combine(other, "disk0.img"), Path.Combine(array, "disk5.img"));
        Cli.Run("check", array).Fails(1, "disk5.img: belongs to array");
    }

    [TestMethod]
    public void ExistingFolder() => Cli.Run("create", s_r5, "--level", "5", "--disks", "3", "--disk-size", "4M").Fails(2, "already exists");
}
