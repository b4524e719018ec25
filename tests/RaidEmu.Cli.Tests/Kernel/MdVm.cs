using System.Diagnostics;
using System.Text;

namespace RaidEmu.Cli.Tests.Kernel;

/// <summary>
/// Boots the Debian kernel under qemu (TCG: software emulation, since a stock kernel cannot use this machine
/// type's /dev/kvm) with the given files as virtio disks /dev/vda, /dev/vdb, ... in order, runs a shell script
/// with busybox and mdadm, and returns what the script printed. The VM powers itself off; a hung one is killed.
/// </summary>
internal static class MdVm
{
    private const string Ready = "===VM-READY===";
    private const string Exit = "===VM-EXIT ";

    public static string Run(IReadOnlyList<string> disks, string script, int timeoutSeconds = 240)
    {
        var kit = KernelKit.Get();
        string initrd = Path.Combine(Path.GetTempPath(), $"raidemu-vm-{Guid.NewGuid():N}.cpio.gz");
        try
        {
            var extra = new CpioArchive();
            extra.AddFile("test.sh", Encoding.ASCII.GetBytes(script.Replace("\r", "", StringComparison.Ordinal)));
            using (var file = File.Create(initrd))
            {
                using (var base_ = File.OpenRead(kit.BaseInitramfs))
                {
                    base_.CopyTo(file);
                }

                // The kernel unpacks concatenated archives, skipping zero bytes between them; a new one must
                // start on a 4-byte boundary.
                file.Write(new byte[(4 - (file.Length % 4)) % 4]);
                file.Write(extra.ToArray());
            }

            var info = new ProcessStartInfo(kit.Qemu)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            foreach (string arg in new[]
            {
                "-machine", "q35,accel=tcg", "-cpu", "max", "-m", "512", "-smp", "1", "-nographic", "-no-reboot",
                "-nodefaults", "-serial", "stdio", "-kernel", kit.Kernel, "-initrd", initrd,
                "-append", "console=ttyS0 quiet panic=-1",
            })
            {
                info.ArgumentList.Add(arg);
            }

            foreach (string disk in disks)
            {
                info.ArgumentList.Add("-drive");
                info.ArgumentList.Add($"file={disk},format=raw,if=virtio,cache=writeback");
            }

            using var process = Process.Start(info)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeoutSeconds * 1000))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                Assert.Fail($"the VM did not power off in {timeoutSeconds} s; console:\n{Tail(stdout.Result)}");
            }

            string console = stdout.Result.Replace("\r", "", StringComparison.Ordinal);
            int start = console.IndexOf(Ready, StringComparison.Ordinal);
            int end = console.LastIndexOf(Exit, StringComparison.Ordinal);
            if (start < 0 || end < start)
            {
                Assert.Fail($"the VM did not run the script (qemu exit {process.ExitCode}): {stderr.Result}\n{Tail(console)}");
            }

            return console[(start + Ready.Length)..end];
        }
        finally
        {
            File.Delete(initrd);
        }
    }

    /// <summary>The guest's name for the disk at <paramref name="index"/> in the list given to <see cref="Run"/>.</summary>
    public static string DeviceName(int index) => "/dev/vd" + (char)('a' + index);

    /// <summary>The value printed on the line "KEY=value" by the script.</summary>
    public static string Value(string output, string key)
    {
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal));
        Assert.IsNotNull(line, $"the VM printed no {key}=; output:\n{output}");
        return line[(key.Length + 1)..].Trim();
    }

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;
}
