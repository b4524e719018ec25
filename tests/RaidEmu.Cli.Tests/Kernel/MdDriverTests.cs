using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
                devices.Add("/dev/vd" + (char)('a' + disks.Count - 1));
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
                devices.Add("/dev/vd" + (char)('a' + disks.Count - 1));
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
