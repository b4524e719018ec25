using System.Security.Cryptography;
using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

[TestClass]
[DoNotParallelize]
public sealed class FuseTests
{
    [TestMethod]
    [DataRow("5")]
    [DataRow("1")]
    public void Ext4OnTheImage_SurvivesFailAndRebuildWhileInUse(string level)
    {
        Tools.RequireRootAndFuse();
        string mkfs = Tools.Require("mkfs.ext4", "e2fsprogs");
        string fsck = Tools.Require("e2fsck", "e2fsprogs");
        string mount = Tools.Require("mount", "mount");
        string umount = Tools.Require("umount", "mount");
        using var tmp = new TempFolder();
        string array = tmp.Combine("fs" + level);
        string mnt = tmp.Combine("mnt");
        string ext = tmp.Combine("ext");
        Directory.CreateDirectory(mnt);
        Directory.CreateDirectory(ext);
        var create = level == "5"
            ? new[] { "create", array, "--level", "5", "--disks", "4", "--disk-size", "25M", "--chunk", "64K", "--name", "vol" }
            : new[] { "create", array, "--level", "1", "--disks", "2", "--disk-size", "65M", "--name", "vol" };
        Cli.Run(create).Ok();

        using var server = Server.Mount(array, mnt);
        string image = Path.Combine(mnt, "vol.img");
        Assert.AreEqual(64L * 1024 * 1024 + (level == "5" ? 8L * 1024 * 1024 : 0), new FileInfo(image).Length);
        Tools.Ok(mkfs, "-q", "-F", image);
        Tools.Ok(mount, "-o", "loop", image, ext);
        var sums = new Dictionary<string, string>();
        try
        {
            var random = new Random(int.Parse(level, System.Globalization.CultureInfo.InvariantCulture));
            void WriteFiles(int from, int to)
            {
                for (int i = from; i < to; i++)
                {
                    var data = new byte[random.Next(1000, 900_000)];
                    random.NextBytes(data);
                    string path = Path.Combine(ext, $"file{i}.bin");
                    File.WriteAllBytes(path, data);
                    sums[path] = Convert.ToHexString(SHA256.HashData(data));
                }
            }

            WriteFiles(0, 15);
            Cli.Run("fail", array, "--disk", "1").Ok();
            WriteFiles(15, 30);
            Tools.Ok("/usr/bin/sync");
            Cli.Run("remove", array, "--disk", "1").Ok();
            Cli.Run("add", array).Ok();
            foreach (var (path, sum) in sums)
            {
                Assert.AreEqual(sum, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))), path);
            }

            Cli.Run("rebuild", array, "--wait").Ok();
        }
        finally
        {
            Tools.Run(umount, ext);
        }

        StringAssert.Contains(Cli.Run("check", array).Ok().Out, "check: 0 mismatched sectors");
        var status = JsonDocument.Parse(Cli.Run("status", array, "--json").Ok().Out).RootElement;
        Assert.AreEqual("optimal", status.GetProperty("state").GetString());
        Tools.Ok(fsck, "-fn", image);

        // Read everything back once more through a fresh loop mount after the rebuild.
        Tools.Ok(mount, "-o", "loop,ro", image, ext);
        try
        {
            foreach (var (path, sum) in sums)
            {
                Assert.AreEqual(sum, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))), path);
            }
        }
        finally
        {
            Tools.Run(umount, ext);
        }
    }

    [TestMethod]
    public void Unmount_IsRefusedWhileALoopDeviceHoldsTheImage()
    {
        Tools.RequireRootAndFuse();
        string losetup = Tools.Require("losetup", "mount");
        using var tmp = new TempFolder();
        string array = tmp.Combine("busy");
        string mnt = tmp.Combine("mnt");
        Directory.CreateDirectory(mnt);
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "5M", "--assume-clean", "--name", "b").Ok();
        using var server = Server.Mount(array, mnt);
        string loop = Tools.Ok(losetup, "--show", "-f", Path.Combine(mnt, "b.img")).Trim();
        try
        {
            Cli.Run("unmount", mnt).Fails(1, "loop device");
            StringAssert.Contains(Cli.Run("status", array).Ok().Out, "state:      optimal");
        }
        finally
        {
            Tools.Run(losetup, "-d", loop);
        }

        Cli.Run("unmount", mnt).Ok();
        server.Dispose();
        Assert.IsFalse(File.ReadAllText("/proc/self/mountinfo").Contains(mnt, StringComparison.Ordinal));
    }
}
