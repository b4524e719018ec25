using System.Globalization;
using System.Security.Cryptography;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Kernel;

/// <summary>RaidEmu's write-intent bitmap against the real Linux md driver: one VM boot.</summary>
[TestClass]
[DoNotParallelize]
public sealed class MdBitmapDriverTests
{
    [TestMethod]
    public void BitmapMadeByRaidEmu_IsUsedByMd_AndMdsDirtyBitsDriveRaidEmusReAdd()
    {
        KernelKit.Get();
        using var tmp = new TempFolder();
        string array = tmp.Combine("bm");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "9M", "--chunk", "64K", "--bitmap", "internal", "--bitmap-chunk", "256K").Ok();
        Assert.AreEqual(0, StoryTests.Status(array).GetProperty("bitmap").GetProperty("dirtyChunks").GetInt64());
        var disks = Enumerable.Range(0, 3).Select(d => Path.Combine(array, $"disk{d}.img")).ToList();

        // md assembles with our bitmap, fails vdb, then writes 512 KiB at 2 MiB: member bytes 1 MiB to 1.25 MiB,
        // bitmap chunk 4; the bit stays set because the array is degraded.
        string script = """
            mdadm --assemble /dev/md0 /dev/vda /dev/vdb /dev/vdc
            echo MDSTAT=$(grep bitmap /proc/mdstat)
            echo CHUNK=$(mdadm -X /dev/vda | sed -n 's/.*Chunksize : //p')
            mdadm /dev/md0 --fail /dev/vdb
            dd if=/dev/urandom of=/dev/md0 bs=64k count=8 seek=32 oflag=direct 2>/dev/null
            sync
            sleep 1
            echo DIRTY=$(mdadm -X /dev/vda | sed -n 's/.*Bitmap.* \([0-9]*\) dirty.*/\1/p')
            echo SHA=$(sha256sum /dev/md0 | cut -d' ' -f1)
            mdadm --stop /dev/md0
            """;
        string output = MdVm.Run(disks, script);
        StringAssert.Matches(MdVm.Value(output, "MDSTAT"), new System.Text.RegularExpressions.Regex(@"bitmap: \d+/\d+ pages .*256KB chunk"), output);
        Assert.AreEqual("256 KB", MdVm.Value(output, "CHUNK"), output);
        long mdDirty = long.Parse(MdVm.Value(output, "DIRTY"), CultureInfo.InvariantCulture);
        Assert.IsTrue(mdDirty >= 1, output);

        // RaidEmu reads md's dirty bits back, then re-adds the member md failed: only those chunks are copied.
        var status = StoryTests.Status(array);
        Assert.AreEqual(mdDirty, status.GetProperty("bitmap").GetProperty("dirtyChunks").GetInt64(), output);
        Cli.Run("remove", array, "--disk", "1").Ok();
        StringAssert.Contains(Cli.Run("add", array, "--file", Path.Combine(array, "disk1.img.removed")).Ok().Out, "re-added");
        Cli.Run("rebuild", array).Ok();
        var saved = StoryTests.Status(array).GetProperty("bitmap").GetProperty("lastSync");
        Assert.AreEqual("recovery", saved.GetProperty("kind").GetString());
        Assert.AreEqual(mdDirty * 256 * 1024, saved.GetProperty("syncedBytes").GetInt64());
        StringAssert.Contains(Cli.Run("check", array).Ok().Out, "check: 0 mismatched sectors");
        string read = tmp.Combine("volume");
        Cli.Run("read", array, "--output", read).Ok();
        Assert.AreEqual(MdVm.Value(output, "SHA"), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(read))), output);
    }
}
