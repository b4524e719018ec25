using System.Security.Cryptography;
using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>Re-add by bitmap only when the bitmap still shows everything the member missed (found by a hostile review).</summary>
[TestClass]
public sealed class BitmapReAddTests
{
    [TestMethod]
    public void A_re_add_by_bitmap_says_so_in_one_line()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("a");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "8M", "--bitmap", "internal", "--bitmap-chunk", "256K", "--assume-clean").Ok();
        Cli.Run("fail", array, "--disk", "1").Ok();
        Cli.Run("remove", array, "--disk", "1").Ok();
        string old = tmp.Combine("old.img");
        File.Move(Path.Combine(array, "disk1.img.removed"), old);
        string data = tmp.Combine("data");
        File.WriteAllBytes(data, RandomNumberGenerator.GetBytes(512 * 1024));
        Cli.Run("write", array, "--input", data).Ok();

        string[] lines = Cli.Run("add", array, "--file", old).Ok().Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(1, lines.Length, string.Join(" | ", lines));
        StringAssert.Contains(lines[0], "re-added to slot 1: only the 2 chunks the bitmap marks are recovered; run 'raidemu rebuild");
        Cli.Run("rebuild", array).Ok();
        Assert.AreEqual(0, Mismatches(array));
    }

    [TestMethod]
    public void A_member_older_than_a_full_rebuild_of_its_slot_is_rebuilt_in_full()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("a");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "8M", "--bitmap", "internal", "--bitmap-chunk", "256K", "--assume-clean").Ok();
        Cli.Run("fail", array, "--disk", "1").Ok();
        Cli.Run("remove", array, "--disk", "1").Ok();
        string old = tmp.Combine("old.img");
        File.Move(Path.Combine(array, "disk1.img.removed"), old);
        string data = tmp.Combine("data");
        File.WriteAllBytes(data, RandomNumberGenerator.GetBytes(1024 * 1024));
        Cli.Run("write", array, "--input", data).Ok();

        // A fresh disk is rebuilt in full into the slot and the bits of that write clear once the array is whole.
        Cli.Run("add", array).Ok();
        Cli.Run("rebuild", array).Ok();
        Cli.Run("check", array).Ok();
        Cli.Run("fail", array, "--disk", "1").Ok();
        Cli.Run("remove", array, "--disk", "1").Ok();

        // The old member missed that write, and the bitmap no longer shows it: only a full rebuild is safe.
        Assert.IsFalse(Cli.Run("add", array, "--file", old).Ok().Out.Contains("only the", StringComparison.Ordinal));
        Cli.Run("rebuild", array).Ok();
        Assert.AreEqual(0, Mismatches(array));
    }

    [TestMethod]
    public void A_member_whose_own_rebuild_stopped_part_way_is_rebuilt_in_full()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("a");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "8M", "--bitmap", "internal", "--bitmap-chunk", "256K", "--assume-clean").Ok();
        string data = tmp.Combine("data");
        File.WriteAllBytes(data, RandomNumberGenerator.GetBytes(3 * 1024 * 1024));
        Cli.Run("write", array, "--input", data).Ok();
        Cli.Run("fail", array, "--disk", "1").Ok();
        Cli.Run("remove", array, "--disk", "1").Ok();
        Cli.Run("add", array).Ok();

        // Slowed to 512 KiB/s, the rebuild checkpoints every second; killed after a few, it stops part-way.
        using (var rebuild = Cli.Start("rebuild", array, "--max-speed", "512K"))
        {
            Thread.Sleep(3000);
            rebuild.Kill(entireProcessTree: true);
            rebuild.WaitForExit();
        }

        Cli.Run("fail", array, "--disk", "1").Ok();
        Cli.Run("remove", array, "--disk", "1").Ok();
        string partial = tmp.Combine("partial.img");
        File.Move(Path.Combine(array, "disk1.img.removed"), partial);
        Assert.IsFalse(Cli.Run("add", array, "--file", partial).Ok().Out.Contains("only the", StringComparison.Ordinal));
        Cli.Run("rebuild", array).Ok();
        Assert.AreEqual(0, Mismatches(array));
    }

    private static long Mismatches(string array) =>
        JsonDocument.Parse(Cli.Run("check", array, "--json").Ok().Out).RootElement.GetProperty("mismatches").GetInt64();
}
