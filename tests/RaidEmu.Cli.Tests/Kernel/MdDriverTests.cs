using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Kernel;

/// <summary>
/// RaidEmu's members against the real Linux md driver and mdadm, in a VM whose disks are the member files.
/// Each test boots one VM (about 10 s under software emulation), so arrays are small and tests run one at a time.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class MdDriverTests
{
    private static readonly string[] s_layouts = ["left-asymmetric", "right-asymmetric", "left-symmetric", "right-symmetric"];

    [TestMethod]
    public void ArraysMadeByRaidEmu_AssembleInMd_WithTheSameBytesAndNoMismatch()
    {
        KernelKit.Get();
        using var tmp = new TempFolder();
        var disks = new List<string>();
        var script = new StringBuilder();
        var expected = new List<string>();
        var arrays = s_layouts.Select(l => (Level: "5", Layout: (string?)l, Disks: 3)).Append(("1", null, 2)).ToList();
        for (int i = 0; i < arrays.Count; i++)
        {
            var (level, layout, count) = arrays[i];
            string array = tmp.Combine($"a{i}");
            var create = new List<string> { "create", array, "--level", level, "--disks", count.ToString(CultureInfo.InvariantCulture), "--disk-size", "6M" };
            if (layout != null)
            {
                create.AddRange(["--chunk", "64K", "--layout", layout]);
            }

            Cli.Run([.. create]).Ok();
            string data = tmp.Combine($"data{i}");
            File.WriteAllBytes(data, RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 4096 * i));
            Cli.Run("write", array, "--input", data, "--offset", "12288").Ok();
            expected.Add(VolumeHash(tmp, array));

            var devices = new List<string>();
            for (int d = 0; d < count; d++)
            {
                disks.Add(Path.Combine(array, $"disk{d}.img"));
                devices.Add(MdVm.DeviceName(disks.Count - 1));
            }

            script.Append(CultureInfo.InvariantCulture, $"mdadm --assemble /dev/md{i} {string.Join(' ', devices)}\n");
            script.Append(CultureInfo.InvariantCulture, $"echo LEVEL{i}=$(cat /sys/block/md{i}/md/level)\n");
            script.Append(CultureInfo.InvariantCulture, $"echo SHA{i}=$(sha256sum /dev/md{i} | cut -d' ' -f1)\n");
            script.Append(CultureInfo.InvariantCulture, $"echo check > /sys/block/md{i}/md/sync_action\n");
            script.Append(CultureInfo.InvariantCulture, $"while [ \"$(cat /sys/block/md{i}/md/sync_action)\" != idle ]; do sleep 1; done\n");
            script.Append(CultureInfo.InvariantCulture, $"echo MISMATCH{i}=$(cat /sys/block/md{i}/md/mismatch_cnt)\n");
            script.Append(CultureInfo.InvariantCulture, $"mdadm --stop /dev/md{i}\n");
        }

        string output = MdVm.Run(disks, script.ToString());
        for (int i = 0; i < arrays.Count; i++)
        {
            Assert.AreEqual("raid" + arrays[i].Level, MdVm.Value(output, $"LEVEL{i}"), output);
            Assert.AreEqual(expected[i], MdVm.Value(output, $"SHA{i}"), $"array {i} ({arrays[i].Layout ?? "raid1"}) reads other bytes in md\n{output}");
            Assert.AreEqual("0", MdVm.Value(output, $"MISMATCH{i}"), $"array {i}: md's check found mismatches\n{output}");
        }
    }

    [TestMethod]
    public void ArraysMadeByMd_WithAndWithoutBitmap_ReadByRaidEmu()
    {
        KernelKit.Get();
        using var tmp = new TempFolder();
        var arrays = new[]
        {
            (Name: "r5plain", Args: "--level=5 --raid-devices=3 --chunk=64 --bitmap=none", Disks: 3),
            (Name: "r5bitmap", Args: "--level=5 --raid-devices=3 --chunk=64 --bitmap=internal", Disks: 3),
            (Name: "r1bitmap", Args: "--level=1 --raid-devices=2 --bitmap=internal", Disks: 2),
        };
        var disks = new List<string>();
        var script = new StringBuilder();
        for (int i = 0; i < arrays.Length; i++)
        {
            string folder = tmp.Combine(arrays[i].Name);
            Directory.CreateDirectory(folder);
            var devices = new List<string>();
            for (int d = 0; d < arrays[i].Disks; d++)
            {
                string file = Path.Combine(folder, $"disk{d}.img");
                using (var stream = File.Create(file))
                {
                    stream.SetLength(12 * 1024 * 1024);
                }

                disks.Add(file);
                devices.Add(MdVm.DeviceName(disks.Count - 1));
            }

            script.Append(CultureInfo.InvariantCulture, $"yes | mdadm --create /dev/md{i} --run --metadata=1.2 --name={arrays[i].Name} {arrays[i].Args} {string.Join(' ', devices)}\n");
            script.Append(CultureInfo.InvariantCulture, $"mdadm --wait /dev/md{i}\n");
            script.Append(CultureInfo.InvariantCulture, $"dd if=/dev/urandom of=/dev/md{i} bs=64k count=60 seek=3 2>/dev/null\n");
            script.Append(CultureInfo.InvariantCulture, $"sync\necho SHA{i}=$(sha256sum /dev/md{i} | cut -d' ' -f1)\n");
            script.Append(CultureInfo.InvariantCulture, $"mdadm --stop /dev/md{i}\n");
        }

        string output = MdVm.Run(disks, script.ToString());
        for (int i = 0; i < arrays.Length; i++)
        {
            string folder = tmp.Combine(arrays[i].Name);
            string status = Cli.Run("status", folder).Ok().Out;
            StringAssert.Contains(status, "optimal", $"{arrays[i].Name}: {status}");
            Assert.AreEqual(MdVm.Value(output, $"SHA{i}"), VolumeHash(tmp, folder), $"{arrays[i].Name}: RaidEmu reads other bytes than md wrote\n{output}");
        }
    }

    /// <summary>
    /// One boot for two things md reads from our superblocks: the array's name and UUID (mdadm --detail and the
    /// udev export) and a recovery RaidEmu was killed in, which md must resume from its recovery_offset.
    /// </summary>
    [TestMethod]
    public void InterruptedRaidEmuRebuild_ResumedByMd_AndDetailShowsOurNameAndUuid()
    {
        KernelKit.Get();
        using var tmp = new TempFolder();
        string array = tmp.Combine("ours");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "9M", "--chunk", "64K", "--name", "ours", "--assume-clean").Ok();
        string data = tmp.Combine("data");
        File.WriteAllBytes(data, RandomNumberGenerator.GetBytes(12 * 1024 * 1024));
        Cli.Run("write", array, "--input", data).Ok();
        string expected = VolumeHash(tmp, array);
        Cli.Run("fail", array, "--disk", "1").Ok();
        Cli.Run("remove", array, "--disk", "1").Ok();
        Cli.Run("add", array).Ok();

        // 8 MiB per member at 1 MiB/s, checkpointed every second: killed after a few checkpoints, well before the end.
        var rebuild = Cli.Start("rebuild", array, "--max-speed", "1M");
        _ = rebuild.StandardOutput.ReadToEndAsync();
        _ = rebuild.StandardError.ReadToEndAsync();
        Thread.Sleep(3500);
        Assert.IsFalse(rebuild.HasExited, "the rebuild finished before it could be interrupted");
        rebuild.Kill();
        rebuild.WaitForExit();
        rebuild.Dispose();

        using var examine = JsonDocument.Parse(Cli.Run("examine", Path.Combine(array, "disk1.img"), "--json").Ok().Out);
        long resumeAt = examine.RootElement.GetProperty("recoveryOffsetSectors").GetInt64();
        Assert.IsTrue(resumeAt > 0 && resumeAt < 16384, $"recovery offset {resumeAt} sectors is not part-way");
        string uuid = examine.RootElement.GetProperty("arrayUuid").GetString()!.Replace("-", "", StringComparison.Ordinal);
        string name = examine.RootElement.GetProperty("name").GetString()!;

        var disks = new[] { 0, 1, 2 }.Select(d => Path.Combine(array, $"disk{d}.img")).ToList();
        string script = string.Join('\n',
            // Read-only first: md starts no recovery, so the resume point is what md took from our superblock.
            "mdadm --assemble --readonly /dev/md0 /dev/vda /dev/vdb /dev/vdc",
            "echo RSTART=$(cat /sys/block/md0/md/rd1/recovery_start)",
            "mdadm --readwrite /dev/md0",
            "echo DNAME=$(mdadm --detail /dev/md0 | grep ' Name : ' | cut -d: -f2-)",
            "echo DUUID=$(mdadm --detail /dev/md0 | grep ' UUID : ' | cut -d: -f2-)",
            "mdadm --detail --export /dev/md0 | grep -E '^MD_(UUID|NAME)='",
            "mdadm --wait /dev/md0",
            "echo SHA=$(sha256sum /dev/md0 | cut -d' ' -f1)",
            "echo check > /sys/block/md0/md/sync_action",
            "while [ \"$(cat /sys/block/md0/md/sync_action)\" != idle ]; do sleep 1; done",
            "echo MISMATCH=$(cat /sys/block/md0/md/mismatch_cnt)",
            "mdadm --stop /dev/md0",
            "");
        string output = MdVm.Run(disks, script);

        Assert.AreEqual(resumeAt.ToString(CultureInfo.InvariantCulture), MdVm.Value(output, "RSTART"), $"md did not resume at RaidEmu's recovery offset\n{output}");
        StringAssert.StartsWith(MdVm.Value(output, "DNAME"), name, output);
        Assert.AreEqual(uuid, MdVm.Value(output, "DUUID").Replace(":", "", StringComparison.Ordinal), true, CultureInfo.InvariantCulture, output);
        Assert.AreEqual(uuid, MdVm.Value(output, "MD_UUID").Replace(":", "", StringComparison.Ordinal), true, CultureInfo.InvariantCulture, output);
        Assert.AreEqual(name, MdVm.Value(output, "MD_NAME"), output);
        Assert.AreEqual(expected, MdVm.Value(output, "SHA"), $"md's resumed recovery reads other bytes\n{output}");
        Assert.AreEqual("0", MdVm.Value(output, "MISMATCH"), output);
    }

    private static string VolumeHash(TempFolder tmp, string array)
    {
        string output = tmp.Combine(Path.GetFileName(array) + ".read");
        Cli.Run("read", array, "--output", output).Ok();
        using var stream = File.OpenRead(output);
        string hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        stream.Close();
        File.Delete(output);
        return hash;
    }
}
