using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using RaidEmu.Core.Mdadm;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>Real clients on a served array whose members carry injected faults (issue 10).</summary>
[TestClass]
[DoNotParallelize]
public sealed partial class FaultClientTests
{
    private const int Chunk = 64 * 1024;

    [TestMethod]
    public void Ext4OnTheFuseImage_KeepsEveryFile_WhileUnreadableSectorsSitUnderThem()
    {
        Tools.RequireRootAndFuse();
        string mkfs = Tools.Require("mkfs.ext4", "e2fsprogs");
        string filefrag = Tools.Require("filefrag", "e2fsprogs");
        string mount = Tools.Require("mount", "mount");
        string umount = Tools.Require("umount", "mount");
        using var tmp = new TempFolder();
        string array = tmp.Combine("ure");
        string mnt = tmp.Combine("mnt");
        string ext = tmp.Combine("ext");
        Directory.CreateDirectory(mnt);
        Directory.CreateDirectory(ext);
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "25M", "--chunk", "64K", "--name", "vol").Ok();
        using var server = Server.Mount(array, mnt);
        string image = Path.Combine(mnt, "vol.img");
        Tools.Ok(mkfs, "-q", "-F", image);

        var sums = new Dictionary<string, string>();
        var firstBlocks = new List<long>();
        Tools.Ok(mount, "-o", "loop", image, ext);
        try
        {
            var random = new Random(10);
            for (int i = 0; i < 12; i++)
            {
                var data = new byte[random.Next(100_000, 900_000)];
                random.NextBytes(data);
                string path = Path.Combine(ext, $"file{i}.bin");
                File.WriteAllBytes(path, data);
                sums[$"file{i}.bin"] = Convert.ToHexString(SHA256.HashData(data));
            }

            Tools.Ok("/usr/bin/sync");

            // Where each of the first eight files starts in the image, from the file system's own extent map.
            foreach (int i in Enumerable.Range(0, 8))
            {
                var start = FirstExtent().Match(Tools.Ok(filefrag, "-v", "-b512", Path.Combine(ext, $"file{i}.bin")));
                Assert.IsTrue(start.Success, "filefrag gave no extent");
                firstBlocks.Add(long.Parse(start.Groups[1].Value, CultureInfo.InvariantCulture) * 512 / 4096 * 4096);
            }
        }
        finally
        {
            Tools.Run(umount, ext);
        }

        // A latent sector error under the first 4 KiB of each: on the member that holds it (left-symmetric RAID 5).
        var placed = new List<(int Disk, long MemberOffset, byte[] Bytes)>();
        using (var img = File.OpenRead(image))
        {
            foreach (long offset in firstBlocks.Distinct())
            {
                var (disk, memberOffset) = LeftSymmetric(offset, disks: 4);
                var bytes = new byte[4096];
                img.Position = offset;
                img.ReadExactly(bytes);
                CollectionAssert.AreEqual(bytes, MemberBytes(array, disk, memberOffset), "the layout maps the image block onto its member");
                placed.Add((disk, memberOffset, bytes));
                long sector = memberOffset / 512;
                Cli.Run("fault", "add", array, "--disk", $"{disk}", "--kind", "unreadable", "--sectors", $"{sector}-{sector + 7}").Ok();
            }
        }

        DropCaches();
        Tools.Ok(mount, "-o", "loop,ro", image, ext);
        try
        {
            foreach (var (name, sum) in sums)
            {
                Assert.AreEqual(sum, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(ext, name)))), name);
            }
        }
        finally
        {
            Tools.Run(umount, ext);
        }

        // md repaired each read error: the sectors were rewritten from parity (the drive remapped them), counted, and
        // the member kept.
        var status = JsonDocument.Parse(Cli.Run("status", array, "--json").Ok().Out).RootElement;
        Assert.AreEqual("optimal", status.GetProperty("state").GetString());
        Assert.AreEqual(0, status.GetProperty("unrecoverable").GetArrayLength());
        int corrected = status.GetProperty("members").EnumerateArray().Sum(m => m.GetProperty("correctedReadErrors").GetInt32());
        Assert.IsTrue(corrected >= 1 && corrected <= placed.Count, $"{corrected} corrected read errors for {placed.Count} bad ranges");
        foreach (var disk in placed.Select(p => p.Disk).Distinct())
        {
            Assert.IsTrue(status.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("disk").GetInt32() == disk).GetProperty("correctedReadErrors").GetInt32() >= 1, $"disk {disk}");
        }

        Assert.AreEqual(0, JsonDocument.Parse(Cli.Run("fault", "list", array, "--json").Ok().Out).RootElement.GetArrayLength(), "every bad sector was rewritten");
        foreach (var (disk, memberOffset, bytes) in placed)
        {
            CollectionAssert.AreEqual(bytes, MemberBytes(array, disk, memberOffset), $"disk {disk} at {memberOffset}");
        }
    }

    [TestMethod]
    public void Fio_Verify_OverNbd_AfterARebuildMeetsAnUnreadableSector_ErrsOnExactlyTheLostRegion()
    {
        string fio = Tools.Require("fio", "fio");
        using var tmp = new TempFolder();
        string array = tmp.Combine("lost");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "9M", "--chunk", "64K", "--assume-clean").Ok();
        using var server = Server.Serve(array);
        string[] job = ["--name=v", "--ioengine=nbd", $"--uri={server.Uri}", "--bs=4k", "--size=24M", "--verify=crc32c"];
        var (code, output) = Tools.Run(fio, [.. job, "--rw=write", "--do_verify=0"]);
        Assert.AreEqual(0, code, output);

        // Disk 1 dies; a latent sector error waits on disk 2, 1 MiB into its data area; the rebuild meets it.
        Cli.Run("fail", array, "--disk", "1").Ok();
        Cli.Run("fault", "add", array, "--disk", "2", "--kind", "unreadable", "--sectors", "2048-2055").Ok();
        Cli.Run("remove", array, "--disk", "1").Ok();
        Cli.Run("add", array).Ok();
        Cli.Run("rebuild", array, "--wait").Ok();

        var status = JsonDocument.Parse(Cli.Run("status", array, "--json").Ok().Out).RootElement;
        Assert.AreEqual("optimal", status.GetProperty("state").GetString(), "md finishes the rebuild and keeps the array");
        var lost = status.GetProperty("unrecoverable").EnumerateArray()
            .SelectMany(r => Blocks(r.GetProperty("offset").GetInt64(), r.GetProperty("length").GetInt64())).ToHashSet();

        // Stripe 16 (member bytes 1 MiB): parity on disk 3 - 16 % 4 = 3, so data chunks on disks 0, 1, 2; the
        // chunks of disk 2 (unreadable) and of the rebuilt disk 1 lose their first 4 KiB.
        long stripe = 1024 * 1024 / Chunk * 3L * Chunk;
        CollectionAssert.AreEquivalent(new[] { stripe + Chunk, stripe + (2 * Chunk) }, lost.ToArray());

        // fio checks every 4 KiB it wrote: errors on exactly the lost blocks, no verify mismatch anywhere.
        (code, output) = Tools.Run(fio, [.. job, "--rw=read", "--verify_only", "--continue_on_error=read"]);
        StringAssert.Contains(output, $"errors    : total={lost.Count}, first_error=5/<Input/output error>", output);
        Assert.IsFalse(output.Contains("verify", StringComparison.OrdinalIgnoreCase) && output.Contains("bad", StringComparison.OrdinalIgnoreCase), output);
        Assert.IsFalse(output.Contains("crc32c: verify failed", StringComparison.Ordinal), output);

        // Block by block with a plain NBD client: EIO where status says, data everywhere else.
        using var nbd = RawNbd.Open(server.Port);
        var failed = new HashSet<long>();
        for (long offset = 0; offset < nbd.Size; offset += 4096)
        {
            ulong cookie = nbd.SendRequest(RawNbd.CmdRead, (ulong)offset, 4096);
            uint error = nbd.ReadReply(cookie);
            if (error == 0)
            {
                nbd.Stream.ReadExactly(new byte[4096]);
            }
            else
            {
                Assert.AreEqual(5u, error, "EIO");
                failed.Add(offset);
            }
        }

        CollectionAssert.AreEquivalent(lost.ToArray(), failed.ToArray());
        nbd.Disconnect();
    }

    private static IEnumerable<long> Blocks(long offset, long length)
    {
        for (long at = offset; at < offset + length; at += 4096)
        {
            yield return at;
        }
    }

    /// <summary>md's left-symmetric RAID 5: the member and member offset of volume byte <paramref name="offset"/>.</summary>
    private static (int Disk, long MemberOffset) LeftSymmetric(long offset, int disks)
    {
        long stripeBytes = (long)(disks - 1) * Chunk;
        long stripe = offset / stripeBytes;
        int parity = disks - 1 - (int)(stripe % disks);
        int k = (int)(offset % stripeBytes / Chunk);
        return ((parity + 1 + k) % disks, (stripe * Chunk) + (offset % Chunk));
    }

    private static byte[] MemberBytes(string array, int disk, long memberOffset)
    {
        using var file = new FileStream(Path.Combine(array, $"disk{disk}.img"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[4096];
        file.Position = ArrayCreateOptions.DataOffsetBytes + memberOffset;
        file.ReadExactly(bytes);
        return bytes;
    }

    private static void DropCaches()
    {
        Tools.Ok("/usr/bin/sync");
        File.WriteAllText("/proc/sys/vm/drop_caches", "3");
    }

    [GeneratedRegex(@"^\s*0:\s*\d+\.\.\s*\d+:\s*(\d+)\.\.", RegexOptions.Multiline)]
    private static partial Regex FirstExtent();
}
