using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>A full host file system is not a disk failure (issue 14, item 1), on a real 100 MB tmpfs.</summary>
[TestClass]
public sealed class HostFullTests
{
    private const int MiB = 1024 * 1024;

    [TestMethod]
    public void Create_refuses_when_the_host_has_not_the_room_and_leaves_nothing()
    {
        using var tmpfs = SmallTmpfs.Mount(100);
        string array = tmpfs.Combine("big");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "33M").Fails(1, "not enough room");
        Assert.IsFalse(Directory.Exists(array), "a refused create leaves nothing behind");
        Assert.AreEqual(0, Directory.EnumerateFileSystemEntries(tmpfs.Path).Count());
    }

    [TestMethod]
    public void Members_are_fully_allocated_unless_sparse()
    {
        using var tmp = new TempFolder();
        Cli.Run("create", tmp.Combine("full"), "--level", "1", "--disks", "2", "--disk-size", "8M", "--assume-clean").Ok();
        Cli.Run("create", tmp.Combine("sparse"), "--level", "1", "--disks", "2", "--disk-size", "8M", "--assume-clean", "--sparse").Ok();
        Assert.IsTrue(Core.Devices.HostFile.Stat(Path.Combine(tmp.Combine("full"), "disk1.img")).AllocatedBytes >= 8 * MiB);
        Assert.IsTrue(Core.Devices.HostFile.Stat(Path.Combine(tmp.Combine("sparse"), "disk1.img")).AllocatedBytes < MiB);
        StringAssert.Contains(Cli.Run("create", "--help").Out + Cli.Run("help", "create").Out, "sparse");
    }

    [TestMethod]
    public void A_full_host_fails_the_write_but_no_member_and_the_data_stays_readable()
    {
        using var tmpfs = SmallTmpfs.Mount(100);
        using var tmp = new TempFolder();
        string array = tmpfs.Combine("r5");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "33M", "--sparse", "--assume-clean").Ok();

        var first = Random(60 * MiB);
        string firstFile = tmp.Combine("first.bin");
        File.WriteAllBytes(firstFile, first);
        Cli.Run("write", array, "--input", firstFile).Ok();

        var second = Random(30 * MiB);
        string secondFile = tmp.Combine("second.bin");
        File.WriteAllBytes(secondFile, second);
        Cli.Run("write", array, "--input", secondFile, "--offset", "60M").Fails(1, $"the host file system at {tmpfs.Path} is full");

        var status = JsonDocument.Parse(Cli.Run("status", array, "--json").Ok().Out).RootElement;
        Assert.AreNotEqual("failed", status.GetProperty("state").GetString());
        foreach (var member in status.GetProperty("members").EnumerateArray())
        {
            Assert.AreEqual("in_sync", member.GetProperty("state").GetString(), status.ToString());
        }

        string back = tmp.Combine("back.bin");
        Cli.Run("read", array, "--output", back, "--length", "60M").Ok();
        CollectionAssert.AreEqual(first, File.ReadAllBytes(back), "the 60 MiB written before the host filled up");

        tmpfs.Resize(300);
        Cli.Run("write", array, "--input", secondFile, "--offset", "60M").Ok();
        Cli.Run("read", array, "--output", back, "--length", "90M").Ok();
        CollectionAssert.AreEqual(first.Concat(second).ToArray(), File.ReadAllBytes(back));
        StringAssert.Contains(Cli.Run("check", array).Ok().Out, "check: 0 mismatched sectors");
    }

    private static byte[] Random(int n)
    {
        var data = new byte[n];
        System.Random.Shared.NextBytes(data);
        return data;
    }
}
