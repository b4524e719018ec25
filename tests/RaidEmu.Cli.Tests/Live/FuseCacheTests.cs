using System.IO.MemoryMappedFiles;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>
/// The kernel's page cache serves reads of the mounted image; whatever changes the array's bytes other than
/// a write through the mount must drop it, or a reader would see bytes the array no longer holds.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class FuseCacheTests
{
    private const int Region = 256 * 1024;

    [TestMethod]
    public void PowerCut_DropsTheCachedUnflushedBytes_AndReadsFailWhileDown()
    {
        // A flush the test does not control (a safe-mode mark after a scheduling gap on a loaded machine) can
        // make the drives keep the unflushed bytes; then the cache holds nothing stale and that attempt shows
        // nothing, so it is tried again. Every attempt must read back what the array holds.
        const int Attempts = 4;
        for (int attempt = 1; attempt <= Attempts; attempt++)
        {
            if (CutWithCachedUnflushedBytes($"cut{attempt}"))
            {
                return;
            }
        }

        Assert.Fail($"in {Attempts} attempts the cut never dropped the unflushed bytes, so stale cached pages were never at stake");
    }

    /// <summary>One power cut with unflushed, cached bytes; true when the cut dropped them (the case that matters).</summary>
    private static bool CutWithCachedUnflushedBytes(string name)
    {
        using var tmp = new TempFolder();
        var (array, mnt) = Create(tmp, name, "--level", "1", "--disks", "2");

        // Sparing: with the active supply failed the rail stays off until the spare is promoted.
        Cli.Run("psu", "setup", array, "--mode", "sparing", "--supplies", "2", "--capacity", "800").Ok();
        using var server = Server.Mount(array, mnt);
        string image = Path.Combine(mnt, "vol.img");
        WriteAt(image, Filled(0x11), flush: true);

        // Unflushed writes elsewhere keep coming until the cut: the array never idles, so nothing flushes the
        // checked region, and the drive caches hold both regions in place. (A write that fails at the cut makes
        // the kernel forget its own pages, so the region it writes is not the one checked.)
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    WriteAt(image, Filled(0x33), flush: false, offset: Region);
                }
            }
            catch (IOException)
            {
                // The power went.
            }
        });
        Thread.Sleep(100);

        // Written once the writer has the array dirty and its own bitmap bits set, so that no superblock or
        // bitmap write (each flushed) comes after it.
        WriteAt(image, Filled(0x22), flush: false);
        CollectionAssert.AreEqual(Filled(0x22), ReadAt(image), "the unflushed bytes are read back before the cut");

        StringAssert.Contains(Cli.Run("psu", "fail", array, "--supply", "A").Ok().Out, "ChassisPoweredOff");
        stop.Cancel();
        Assert.IsTrue(writer.Wait(TimeSpan.FromSeconds(30)), "the writer is stuck");

        Assert.ThrowsExactly<IOException>(() => ReadAt(image), "a read while the array is down must fail, not come from the cache");

        StringAssert.Contains(Cli.Run("psu", "promote", array, "--supply", "B").Ok().Out, "ChassisPoweredOn");

        // The mirrors were torn apart by the cut; once resynced, any read of either returns the same bytes.
        Cli.Run("rebuild", array, "--wait").Ok();
        byte[] held = ReadThroughCommand(array, tmp);
        CollectionAssert.AreEqual(held, ReadAt(image), "the mount must read what the array holds after the cut");
        if (held.AsSpan().SequenceEqual(Filled(0x11)))
        {
            return true;
        }

        CollectionAssert.AreEqual(Filled(0x22), held, "after the cut the array holds neither the flushed nor the unflushed bytes");
        return false;
    }

    [TestMethod]
    public void AWriteThroughTheControlSocket_IsReadThroughTheMount_EvenAfterTheImageWasCached()
    {
        using var tmp = new TempFolder();
        var (array, mnt) = Create(tmp, "cmd", "--level", "5", "--disks", "3", "--chunk", "64K");
        using var server = Server.Mount(array, mnt);
        string image = Path.Combine(mnt, "vol.img");
        WriteAt(image, Filled(0x44), flush: true);
        CollectionAssert.AreEqual(Filled(0x44), ReadAt(image));

        string input = tmp.Combine("input");
        File.WriteAllBytes(input, Filled(0x55));
        Cli.Run("write", array, "--input", input).Ok();
        CollectionAssert.AreEqual(Filled(0x55), ReadAt(image), "a cached read returned the bytes the command overwrote");

        // Clients opening with O_DIRECT bypass the cache and meet the same bytes.
        string direct = tmp.Combine("direct");
        Tools.Ok("/usr/bin/dd", $"if={image}", $"of={direct}", "bs=64K", $"count={Region / 65536}", "iflag=direct", "status=none");
        CollectionAssert.AreEqual(Filled(0x55), File.ReadAllBytes(direct));

        // So do clients that map the image.
        using var map = MemoryMappedFile.CreateFromFile(image, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = map.CreateViewStream(0, Region, MemoryMappedFileAccess.Read);
        var mapped = new byte[Region];
        view.ReadExactly(mapped);
        CollectionAssert.AreEqual(Filled(0x55), mapped);
    }

    /// <summary>
    /// A write that ends inside a stripe leaves that stripe's part held by the mount until the next write completes
    /// it; a command must still see it while the writer keeps the image open.
    /// </summary>
    [TestMethod]
    public void BytesTheMountHoldsBack_AreSeenByACommand_WhileTheImageIsStillOpen()
    {
        using var tmp = new TempFolder();
        var (array, mnt) = Create(tmp, "held", "--level", "5", "--disks", "3", "--chunk", "64K");
        using var server = Server.Mount(array, mnt);
        string image = Path.Combine(mnt, "vol.img");

        // 192 KiB over stripes of 128 KiB: the second stripe's first half is held.
        var data = new byte[192 * 1024];
        new Random(9).NextBytes(data);
        using (var handle = File.OpenHandle(image, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            RandomAccess.Write(handle, data, 0);

            // Sent from this process: a child process would close its copy of the image's descriptor (close on
            // exec), and that close alone makes the mount write what it holds.
            string output = tmp.Combine("seen");
            string[] read = ["read", array, "--output", output, "--length", data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            var response = RaidEmu.Live.Control.ControlClient.TrySend(array, new RaidEmu.Live.Control.ControlRequest(read, tmp.Path));
            Assert.AreEqual(0, response?.Code, response?.Err);
            CollectionAssert.AreEqual(data, File.ReadAllBytes(output), "a command did not see bytes written through the open image");
        }
    }

    /// <summary>A small array named vol in <paramref name="tmp"/>, and an empty mount point for it.</summary>
    private static (string Array, string MountPoint) Create(TempFolder tmp, string name, params string[] layout)
    {
        Tools.RequireRootAndFuse();
        string array = tmp.Combine(name);
        string mnt = tmp.Combine("mnt");
        Directory.CreateDirectory(mnt);
        Cli.Run(["create", array, .. layout, "--disk-size", "5M", "--name", "vol"]).Ok();
        return (array, mnt);
    }

    private static byte[] Filled(byte value) => Enumerable.Repeat(value, Region).ToArray();

    private static void WriteAt(string image, byte[] data, bool flush, long offset = 0)
    {
        using var file = new FileStream(image, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None);
        file.Position = offset;
        file.Write(data);
        if (flush)
        {
            file.Flush(flushToDisk: true);
        }
    }

    private static byte[] ReadAt(string image)
    {
        using var file = new FileStream(image, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        var data = new byte[Region];
        file.ReadExactly(data);
        return data;
    }

    /// <summary>The array's bytes as the serving process reads them, past any cache of the mount.</summary>
    private static byte[] ReadThroughCommand(string array, TempFolder tmp)
    {
        string output = tmp.Combine("held");
        Cli.Run("read", array, "--output", output, "--length", Region.ToString(System.Globalization.CultureInfo.InvariantCulture)).Ok();
        return File.ReadAllBytes(output);
    }
}
