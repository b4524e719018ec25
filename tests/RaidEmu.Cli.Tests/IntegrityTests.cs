using System.Text.Json;
using RaidEmu.Cli.Tests.Live;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests;

[TestClass]
public sealed class IntegrityTests
{
    [TestMethod]
    public void UnknownAlgorithm_ExitsTwo()
    {
        using var tmp = new TempFolder();
        Cli.Run("create", tmp.Combine("a"), "--level", "1", "--disks", "2", "--disk-size", "2M", "--integrity", "md5").Fails(2, "unknown integrity 'md5': use none, xxh3, crc32c");
        Assert.IsFalse(Directory.Exists(tmp.Combine("a")) && Directory.EnumerateFiles(tmp.Combine("a")).Any(), "nothing is created");
    }

    [TestMethod]
    public void Create_WithAndWithoutChecksums_StatusAndExamineSayWhich()
    {
        using var tmp = new TempFolder();
        string plain = tmp.Combine("plain");
        string sums = tmp.Combine("sums");
        Cli.Run("create", plain, "--level", "1", "--disks", "2", "--disk-size", "2M").Ok();
        StringAssert.Contains(Cli.Run("create", sums, "--level", "5", "--disks", "3", "--disk-size", "2M", "--chunk", "64K", "--integrity", "crc32c").Ok().Out, "crc32c checksums");

        Assert.IsFalse(Directory.EnumerateFiles(plain, "*.integrity").Any(), "without --integrity the folder holds md's members only");
        Assert.AreEqual(3, Directory.EnumerateFiles(sums, "disk?.img.integrity").Count());
        Assert.IsFalse(StoryTests.Status(plain).TryGetProperty("integrity", out _));

        var status = StoryTests.Status(sums);
        Assert.AreEqual("crc32c", status.GetProperty("integrity").GetString());
        Assert.IsTrue(status.GetProperty("members").EnumerateArray().All(m => m.GetProperty("checksumFailures").GetInt64() == 0));
        StringAssert.Contains(Cli.Run("status", sums).Ok().Out, "integrity:  crc32c per 4 KiB block");

        var examine = JsonDocument.Parse(Cli.Run("examine", Path.Combine(sums, "disk0.img"), "--json").Ok().Out).RootElement;
        Assert.AreEqual("crc32c", examine.GetProperty("integrity").GetProperty("algorithm").GetString());
        Assert.AreEqual(256, examine.GetProperty("integrity").GetProperty("blocks").GetInt64());
        StringAssert.Contains(Cli.Run("examine", Path.Combine(sums, "disk1.img")).Ok().Out, "Integrity : crc32c, 256 blocks of 4096 bytes");
    }

    [TestMethod]
    public void RotOnAMirror_ServedReadsReturnTheWrittenBytes_AndTheFailureIsCounted()
    {
        string qemuIo = Tools.Require("qemu-io", "qemu-utils");
        using var tmp = new TempFolder();
        string array = tmp.Combine("r1");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "3M", "--integrity", "xxh3").Ok();
        using (var server = Server.Serve(array))
        {
            Tools.Ok(qemuIo, "-f", "raw", "-c", "write -P 0x5a 0 1M", server.Uri);
        }

        // Bit rot on disk 1, in a block of the data written (the data area starts at 1 MiB).
        string disk1 = Path.Combine(array, "disk1.img");
        using (var file = File.Open(disk1, FileMode.Open))
        {
            file.Position = (1024 * 1024) + 40_000;
            int b = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(b ^ 0x04));
        }

        using var again = Server.Serve(array);
        for (int i = 0; i < 4; i++)
        {
            Tools.Ok(qemuIo, "-f", "raw", "-c", "read -P 0x5a 0 1M", again.Uri);
        }

        var disk = StoryTests.Member(StoryTests.Status(array), 1);
        Assert.IsTrue(disk.GetProperty("checksumFailures").GetInt64() >= 1, disk.ToString());
        Assert.AreEqual("in_sync", disk.GetProperty("state").GetString(), "md's read-error path rewrote the block and kept the member");
        Assert.IsTrue(disk.GetProperty("correctedChecksumErrors").GetInt32() >= 1, disk.ToString());
        var events = JsonDocument.Parse(Cli.Run("events", array, "--json").Ok().Out).RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        CollectionAssert.Contains(events, "ChecksumErrorCorrected");
    }

    [TestMethod]
    public void Check_NamesTheMemberWhoseBlocksFailedTheirChecksum_AndRewritesThem()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("r1");
        string input = tmp.Combine("in.bin");
        File.WriteAllBytes(input, Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7)).ToArray());
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "3M", "--integrity", "xxh3").Ok();
        Cli.Run("write", array, "--input", input).Ok();
        using (var file = File.Open(Path.Combine(array, "disk0.img"), FileMode.Open))
        {
            file.Position = (1024 * 1024) + 300_000;
            file.WriteByte(0xEE);
        }

        string output = Cli.Run("check", array).Ok().Out;
        StringAssert.Contains(output, "check: 0 mismatched sectors");
        StringAssert.Contains(output, "disk 0: 1 read(s) failed their checksum and were rewritten from redundancy");
        var json = JsonDocument.Parse(Cli.Run("check", array, "--json").Ok().Out).RootElement;
        Assert.IsTrue(json.GetProperty("checksumErrors").EnumerateArray().All(c => c.GetProperty("correctedChecksumErrors").GetInt32() == 0), "the block was rewritten by the first check");
        string back = tmp.Combine("out.bin");
        Cli.Run("read", array, "--output", back, "--length", "1M").Ok();
        CollectionAssert.AreEqual(File.ReadAllBytes(input), File.ReadAllBytes(back));
    }

    [TestMethod]
    public void Check_Raid1_NamesTheRottenMirrorAndTheLogicalOffsetOfItsBlock()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("r1");
        string input = Input(tmp, 1 << 20);
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "3M", "--integrity", "xxh3").Ok();
        Cli.Run("write", array, "--input", input).Ok();
        RotAt(array, disk: 1, memberOffset: 299_008 + 40);

        var json = JsonDocument.Parse(Cli.Run("check", array, "--json").Ok().Out).RootElement;
        var disk1 = json.GetProperty("checksumErrors").EnumerateArray().Single(c => c.GetProperty("disk").GetInt32() == 1);
        var block = disk1.GetProperty("blocks").EnumerateArray().Single();
        Assert.AreEqual(299_008, block.GetProperty("memberOffset").GetInt64());
        Assert.AreEqual(299_008, block.GetProperty("logicalOffset").GetInt64());
        Assert.AreEqual(4096, block.GetProperty("length").GetInt32());
        Assert.AreEqual("data", block.GetProperty("kind").GetString());
        Assert.AreEqual(0, json.GetProperty("checksumErrors").EnumerateArray().Single(c => c.GetProperty("disk").GetInt32() == 0).GetProperty("blocks").GetArrayLength());
        AssertReadsBack(tmp, array, input);
    }

    [TestMethod]
    public void CheckAndRepair_Raid5_TellRottenDataFromRottenParity()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("r5");
        string input = Input(tmp, 3 << 20);
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "2M", "--chunk", "64K", "--layout", "left-symmetric", "--integrity", "crc32c").Ok();
        Cli.Run("write", array, "--input", input).Ok();

        // Left-symmetric over 4 disks: stripe 1 keeps data chunk 1 on disk 0, stripe 2 its parity on disk 1.
        RotAt(array, disk: 0, memberOffset: (64 * 1024) + 8192 + 3);
        RotAt(array, disk: 1, memberOffset: (128 * 1024) + 12_288 + 7);
        string text = Cli.Run("check", array).Ok().Out;
        StringAssert.Contains(text, "disk 0: 1 read(s) failed their checksum and were rewritten from redundancy; 1 block(s): data at logical 270336 (member offset 73728)");
        StringAssert.Contains(text, "disk 1: 1 read(s) failed their checksum and were rewritten from redundancy; 1 block(s): parity of stripe 2 (member offset 143360; covers logical 393216-589823)");
        AssertReadsBack(tmp, array, input);

        // The same rot again, found by repair and shown as JSON.
        RotAt(array, disk: 1, memberOffset: (128 * 1024) + 12_288 + 7);
        var json = JsonDocument.Parse(Cli.Run("repair", array, "--json").Ok().Out).RootElement;
        Assert.AreEqual(0, json.GetProperty("mismatches").GetInt64());
        var parity = json.GetProperty("checksumErrors").EnumerateArray().Single(c => c.GetProperty("disk").GetInt32() == 1).GetProperty("blocks").EnumerateArray().Single();
        Assert.AreEqual("parity", parity.GetProperty("kind").GetString());
        Assert.AreEqual(2, parity.GetProperty("parityOfStripe").GetInt64());
        Assert.IsFalse(parity.TryGetProperty("logicalOffset", out _), "parity holds no volume bytes of its own");
        Assert.AreEqual(393_216, parity.GetProperty("covers").GetProperty("offset").GetInt64());
        Assert.AreEqual(196_608, parity.GetProperty("covers").GetProperty("length").GetInt64());
        AssertReadsBack(tmp, array, input);
        Assert.IsTrue(JsonDocument.Parse(Cli.Run("check", array, "--json").Ok().Out).RootElement.GetProperty("checksumErrors").EnumerateArray().All(c => c.GetProperty("blocks").GetArrayLength() == 0));
    }

    [TestMethod]
    public void Check_NamesBlocksWithNoRedundancyLeft_AsNotRepaired()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("r1");
        string input = Input(tmp, 1 << 20);
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "3M", "--integrity", "xxh3").Ok();
        Cli.Run("write", array, "--input", input).Ok();

        // Both mirrors rotten in the same block (sectors 80-87: logical 40960): nothing is left to rebuild it from.
        Cli.Run("fault", "add", array, "--disk", "0", "--kind", "corrupt", "--sectors", "80-87").Ok();
        Cli.Run("fault", "add", array, "--disk", "1", "--kind", "corrupt", "--sectors", "80-87").Ok();
        string text = Cli.Run("check", array).Ok().Out;
        StringAssert.Contains(text, "disk 0: 1 block(s) failed their checksum and could not be repaired (no redundancy left; reads of them fail with EIO): logical 40960");
        StringAssert.Contains(text, "disk 1: 1 block(s) failed their checksum and could not be repaired (no redundancy left; reads of them fail with EIO): logical 40960");

        var json = JsonDocument.Parse(Cli.Run("check", array, "--json").Ok().Out).RootElement;
        foreach (var disk in json.GetProperty("checksumErrors").EnumerateArray())
        {
            var block = disk.GetProperty("blocks").EnumerateArray().Single();
            Assert.AreEqual(40_960, block.GetProperty("logicalOffset").GetInt64());
            Assert.IsFalse(block.GetProperty("repaired").GetBoolean());
            Assert.AreEqual(0, disk.GetProperty("correctedChecksumErrors").GetInt32());
        }

        Cli.Run("read", array, "--output", tmp.Combine("out.bin"), "--offset", "40960", "--length", "4096").Fails(1, "cannot be read from any member");
    }

    [TestMethod]
    public void Check_Raid5_TwoRottenChunksInOneStripe_NamedAsNotRepaired()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("r5");
        string input = Input(tmp, 3 << 20);
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "2M", "--chunk", "64K", "--layout", "left-symmetric", "--integrity", "xxh3").Ok();
        Cli.Run("write", array, "--input", input).Ok();

        // Stripe 1 keeps data chunk 1 on disk 0 and its parity on disk 2: both rotten at member offset 73728 (sectors 144-151).
        Cli.Run("fault", "add", array, "--disk", "0", "--kind", "corrupt", "--sectors", "144-151").Ok();
        Cli.Run("fault", "add", array, "--disk", "2", "--kind", "corrupt", "--sectors", "144-151").Ok();
        string text = Cli.Run("check", array).Ok().Out;
        StringAssert.Contains(text, "disk 0: 1 block(s) failed their checksum and could not be repaired (no redundancy left; reads of them fail with EIO): data at logical 270336 (member offset 73728)");
        StringAssert.Contains(text, "disk 2: 1 block(s) failed their checksum and could not be repaired (no redundancy left; reads of them fail with EIO): parity of stripe 1 (member offset 73728; covers logical 196608-393215)");
    }

    [TestMethod]
    public void MissingOrDamagedSidecar_RefusedByNameWithWhatToDo()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("a");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--integrity", "xxh3").Ok();
        string sidecar = Path.Combine(array, "disk1.img.integrity");
        byte[] good = File.ReadAllBytes(sidecar);
        File.Delete(sidecar);
        var missing = Cli.Run("status", array).Fails(1, "disk1.img.integrity is missing");
        StringAssert.Contains(missing.Err, "raidemu add");

        var bad = (byte[])good.Clone();
        bad[50] ^= 0xff;
        File.WriteAllBytes(sidecar, bad);
        Cli.Run("status", array).Fails(1, "disk1.img.integrity is damaged: its header fails its own checksum");
        StringAssert.Contains(Cli.Run("examine", Path.Combine(array, "disk1.img")).Ok().Out, "fails its own checksum");

        File.WriteAllBytes(sidecar, good);
        Cli.Run("status", array).Ok();
    }

    [TestMethod]
    [DataRow("1", "2", "6M")]
    [DataRow("5", "4", "9M")]
    public void PowerCutMidWrites_OnAServedIntegrityArray_NoReadFailsItsChecksum_FlushedDataReadsBack(string level, string disks, string size)
    {
        string qemuIo = Tools.Require("qemu-io", "qemu-utils");
        using var tmp = new TempFolder();
        string array = tmp.Combine("cut");
        string[] chunk = level == "5" ? ["--chunk", "64K"] : [];
        Cli.Run(["create", array, "--level", level, "--disks", disks, "--disk-size", size, .. chunk, "--integrity", "xxh3"]).Ok();
        using var server = Server.Serve(array);
        Tools.Ok(qemuIo, "-f", "raw", "-c", "write -P 0x42 0 2M", "-c", "flush", server.Uri);
        using (InFlightWriter.Start(qemuIo, server.Uri, array, "2M 2M"))
        {
            StringAssert.Contains(Cli.Run("psu", "outage", array, "--ms", "30").Ok().Out, "ArrayRestarted");
        }

        Cli.Run("rebuild", array, "--wait").Ok();
        Tools.Ok(qemuIo, "-f", "raw", "-c", "read -P 0x42 0 2M", "-c", "read 2M 2M", server.Uri);
        var status = StoryTests.Status(array);
        foreach (var member in status.GetProperty("members").EnumerateArray())
        {
            Assert.AreEqual("in_sync", member.GetProperty("state").GetString(), member.ToString());
            Assert.AreEqual(0, member.GetProperty("checksumFailures").GetInt64(), $"after the cut every tag describes its block's bytes: {member}");
        }

        StringAssert.Contains(Cli.Run("check", array).Ok().Out, "check: 0 mismatched sectors");
    }

    private static string Input(TempFolder tmp, int bytes)
    {
        string input = tmp.Combine("in.bin");
        File.WriteAllBytes(input, Enumerable.Range(0, bytes).Select(i => (byte)((i * 7) + (i >> 12))).ToArray());
        return input;
    }

    /// <summary>Flips a bit of a member's data area (it starts at 1 MiB) behind the array's back.</summary>
    private static void RotAt(string array, int disk, long memberOffset)
    {
        using var file = File.Open(Path.Combine(array, $"disk{disk}.img"), FileMode.Open);
        file.Position = (1024 * 1024) + memberOffset;
        int b = file.ReadByte();
        file.Position--;
        file.WriteByte((byte)(b ^ 0x20));
    }

    private static void AssertReadsBack(TempFolder tmp, string array, string input)
    {
        string back = tmp.Combine("out.bin");
        Cli.Run("read", array, "--output", back, "--length", new FileInfo(input).Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Ok();
        CollectionAssert.AreEqual(File.ReadAllBytes(input), File.ReadAllBytes(back));
    }
}
