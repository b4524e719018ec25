using System.Security.Cryptography;
using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

[TestClass]
public sealed class PowerTests
{
    [TestMethod]
    public void PowerLoss_OnAServedArray_TearsAndRestartsWithResync_FlushedDataIntact()
    {
        string qemuIo = Tools.Require("qemu-io", "qemu-utils");
        using var tmp = new TempFolder();
        string array = tmp.Combine("loss");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "9M", "--chunk", "64K").Ok();
        using var server = Server.Serve(array);
        Tools.Ok(qemuIo, "-f", "raw", "-c", "write -P 0x42 0 4M", server.Uri);

        string output;
        using (InFlightWriter.Start(qemuIo, server.Uri, array, "8M 4M"))
        {
            output = Cli.Run("psu", "outage", array, "--ms", "30").Ok().Out;
        }

        StringAssert.Contains(output, "ArrayPowerLost");
        StringAssert.Contains(output, "ArrayRestarted");
        Cli.Run("rebuild", array, "--wait").Ok();
        var events = JsonDocument.Parse(Cli.Run("events", array, "--json").Ok().Out).RootElement.EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();
        CollectionAssert.IsSubsetOf(new[] { "ChassisPoweredOff", "ArrayPowerLost", "ChassisPoweredOn", "ArrayRestarted", "ResyncCompleted" }, events);
        Tools.Ok(qemuIo, "-f", "raw", "-c", "read -P 0x42 0 4M", server.Uri);
        StringAssert.Contains(Cli.Run("check", array).Ok().Out, "check: 0 mismatched sectors");
    }

    [TestMethod]
    public void SeamlessFailover_ChangesNothing()
    {
        string qemuIo = Tools.Require("qemu-io", "qemu-utils");
        using var tmp = new TempFolder();
        string array = tmp.Combine("failover");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "5M").Ok();
        Cli.Run("psu", "setup", array, "--mode", "failover", "--supplies", "2", "--capacity", "800", "--wake-ms", "0.1").Ok();
        using var server = Server.Serve(array);
        Tools.Ok(qemuIo, "-f", "raw", "-c", "write -P 0x17 0 2M", server.Uri);
        string output = Cli.Run("psu", "fail", array, "--supply", "A").Ok().Out;
        StringAssert.Contains(output, "StandbyPromoted");
        Assert.IsFalse(output.Contains("ChassisPoweredOff", StringComparison.Ordinal), output);
        Tools.Ok(qemuIo, "-f", "raw", "-c", "read -P 0x17 0 2M", "-c", "write -P 0x18 2M 1M", server.Uri);
        Assert.AreEqual("optimal", StoryTests.Status(array).GetProperty("state").GetString());
    }

    [TestMethod]
    public void DirtyAndDegradedRaid5_StaysDownAfterPower_UntilStartForce()
    {
        string qemuIo = Tools.Require("qemu-io", "qemu-utils");
        using var tmp = new TempFolder();
        string array = tmp.Combine("hole");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "9M", "--chunk", "64K").Ok();
        using var server = Server.Serve(array);
        Cli.Run("fail", array, "--disk", "1").Ok();
        Tools.Ok(qemuIo, "-f", "raw", "-c", "write -P 0x42 0 4M", server.Uri);
        using (InFlightWriter.Start(qemuIo, server.Uri, array, "8M 4M"))
        {
            StringAssert.Contains(Cli.Run("psu", "outage", array, "--ms", "30").Ok().Out, "ArrayStartRefused");
        }


        Assert.AreNotEqual(0, Tools.Run(qemuIo, "-f", "raw", "-c", "read 0 4k", server.Uri).Code, "a down array must not serve");
        Cli.Run("write", array, "--input", "/etc/hostname").Fails(1, "the array is down");
        Cli.Run("start", array).Fails(1, "write hole");
        Cli.Run("start", array, "--force").Ok();
        Tools.Ok(qemuIo, "-f", "raw", "-c", "read -P 0x42 0 4M", server.Uri);
    }

    [TestMethod]
    public void Ext4OnFuse_SurvivesSeamlessFailover_AndRealPowerLossWithoutLosingFlushedFiles()
    {
        Tools.RequireRootAndFuse();
        string mkfs = Tools.Require("mkfs.ext4", "e2fsprogs");
        string fsck = Tools.Require("e2fsck", "e2fsprogs");
        using var tmp = new TempFolder();
        string array = tmp.Combine("pfs");
        string mnt = tmp.Combine("mnt");
        string ext = tmp.Combine("ext");
        Directory.CreateDirectory(mnt);
        Directory.CreateDirectory(ext);
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "25M", "--chunk", "64K", "--name", "pvol").Ok();
        Cli.Run("psu", "setup", array, "--mode", "failover", "--supplies", "3", "--capacity", "800", "--wake-ms", "0.1").Ok();
        using var server = Server.Mount(array, mnt);
        string image = Path.Combine(mnt, "pvol.img");
        Tools.Ok(mkfs, "-q", "-F", image);
        Tools.Ok("/usr/bin/mount", "-o", "loop", image, ext);
        var flushed = new Dictionary<string, string>();
        var random = new Random(5);
        try
        {
            for (int i = 0; i < 12; i++)
            {
                var data = new byte[random.Next(10_000, 500_000)];
                random.NextBytes(data);
                string path = Path.Combine(ext, $"flushed{i}.bin");
                File.WriteAllBytes(path, data);
                flushed[path] = Convert.ToHexString(SHA256.HashData(data));
                if (i == 5)
                {
                    // Passive redundancy: the standby takes over within hold-up, so the file system notices nothing.
                    StringAssert.Contains(Cli.Run("psu", "fail", array, "--supply", "A").Ok().Out, "StandbyPromoted");
                }
            }

            Tools.Ok("/usr/bin/sync");

            // Unflushed writes in flight when every feed drops for longer than hold-up.
            var writer = Task.Run(() =>
            {
                try
                {
                    for (int i = 0; i < 40; i++)
                    {
                        File.WriteAllBytes(Path.Combine(ext, $"late{i}.bin"), new byte[200_000]);
                    }
                }
                catch (IOException)
                {
                }
            });
            StringAssert.Contains(Cli.Run("psu", "outage", array, "--ms", "30").Ok().Out, "ArrayPowerLost");
            writer.Wait();
        }
        finally
        {
            Tools.Run("/usr/bin/umount", ext);
        }

        Cli.Run("rebuild", array, "--wait").Ok();
        var (code, report) = Tools.Run(fsck, "-fy", image);
        Assert.IsTrue(code is 0 or 1, $"e2fsck could not repair the file system (exit {code}):\n{report}");
        Tools.Ok(fsck, "-fn", image);
        Tools.Ok("/usr/bin/mount", "-o", "loop,ro", image, ext);
        try
        {
            foreach (var (path, sum) in flushed)
            {
                Assert.AreEqual(sum, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))), $"flushed file {path} was lost");
            }
        }
        finally
        {
            Tools.Run("/usr/bin/umount", ext);
        }
    }
}
