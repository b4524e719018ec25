using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

[TestClass]
public sealed partial class BitmapLiveTests
{
    [TestMethod]
    public void MdadmExamineBitmap_OnAReadOnlyLoopDevice_AgreesWithStatus()
    {
        string mdadm = Tools.Require("mdadm", "mdadm");
        string losetup = Tools.Require("losetup", "mount");
        if (Environment.UserName != "root")
        {
            Assert.Inconclusive("needs root for a loop device");
        }

        using var tmp = new TempFolder();
        string array = tmp.Combine("bx");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "9M", "--chunk", "64K", "--bitmap", "internal", "--bitmap-chunk", "256K").Ok();
        Cli.Run("fail", array, "--disk", "1").Ok();
        string data = tmp.Combine("data");
        File.WriteAllBytes(data, new byte[1024 * 1024]);
        Cli.Run("write", array, "--input", data, "--offset", "5M").Ok();

        var bitmap = StoryTests.Status(array).GetProperty("bitmap");
        long dirty = bitmap.GetProperty("dirtyChunks").GetInt64();
        Assert.IsTrue(dirty > 0, "writes while degraded keep their bits");
        var (code, loop) = Tools.Run(losetup, "-r", "-f", "--show", Path.Combine(array, "disk0.img"));
        if (code != 0)
        {
            Assert.Inconclusive($"no loop device: {loop}");
        }

        loop = loop.Trim();
        string examined;
        try
        {
            examined = Tools.Ok(mdadm, "-X", loop);
        }
        finally
        {
            Tools.Run(losetup, "-d", loop);
        }

        Assert.AreEqual($"{bitmap.GetProperty("chunkBytes").GetInt64() / 1024} KB", Field(examined, "Chunksize"), examined);
        var bits = BitsLine().Match(examined);
        Assert.IsTrue(bits.Success, examined);
        Assert.AreEqual(bitmap.GetProperty("chunks").GetInt64(), long.Parse(bits.Groups[1].Value, CultureInfo.InvariantCulture), examined);
        Assert.AreEqual(dirty, long.Parse(bits.Groups[2].Value, CultureInfo.InvariantCulture), examined);
        Assert.AreEqual("OK", Field(examined, "State"), examined);
    }

    [TestMethod]
    public void PowerLossUnderWrites_WithABitmap_ResyncsOnlyTheDirtyChunks()
    {
        string qemuIo = Tools.Require("qemu-io", "qemu-utils");
        using var tmp = new TempFolder();
        string array = tmp.Combine("bits");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "9M", "--chunk", "64K", "--bitmap", "internal", "--bitmap-chunk", "256K", "--delay", "1").Ok();
        using var server = Server.Serve(array);
        Tools.Ok(qemuIo, "-f", "raw", "-c", "write -P 0x42 0 1M", server.Uri);
        var watch = Stopwatch.StartNew();
        while (StoryTests.Status(array).GetProperty("bitmap").GetProperty("dirtyChunks").GetInt64() != 0)
        {
            Assert.IsTrue(watch.Elapsed < TimeSpan.FromSeconds(20), "bits never cleared while idle");
            Thread.Sleep(200);
        }

        using (InFlightWriter.Start(qemuIo, server.Uri, array, "12M 1536K"))
        {
            StringAssert.Contains(Cli.Run("psu", "outage", array, "--ms", "30").Ok().Out, "ArrayRestarted");
        }

        Cli.Run("rebuild", array, "--wait").Ok();
        var status = StoryTests.Status(array);
        var saved = status.GetProperty("bitmap").GetProperty("lastSync");
        Assert.AreEqual("resync", saved.GetProperty("kind").GetString());
        long synced = saved.GetProperty("syncedBytes").GetInt64();
        long skipped = saved.GetProperty("skippedBytes").GetInt64();
        Console.WriteLine($"resync after a power loss under writes: copied {synced} bytes, skipped {skipped}");

        // 1.5 MiB of volume at 12 MiB is member bytes 4 MiB to 4.5 MiB: two or three 256 KiB chunks of 8 MiB.
        Assert.IsTrue(synced is > 0 and <= 3 * 256 * 1024, $"resync copied {synced} bytes");
        Assert.AreEqual(8L * 1024 * 1024, synced + skipped);
        Tools.Ok(qemuIo, "-f", "raw", "-c", "read -P 0x42 0 1M", server.Uri);
        StringAssert.Contains(Cli.Run("check", array).Ok().Out, "check: 0 mismatched sectors");
    }

    private static string Field(string output, string name) =>
        output.Split('\n').Select(l => l.Split(" : ", 2)).First(p => p.Length == 2 && p[0].Trim() == name)[1].Trim();

    [GeneratedRegex(@"Bitmap : (\d+) bits \(chunks\), (\d+) dirty")]
    private static partial Regex BitsLine();
}
