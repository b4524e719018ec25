using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using RaidEmu.Cli.Tests.Live;

namespace RaidEmu.Cli.Tests.Kernel;

/// <summary>
/// A Debian kernel and a small initramfs (busybox, mdadm, the md and virtio modules) fetched with
/// <c>apt-get download</c> and unpacked with <c>dpkg-deb</c>: nothing is installed into the host. Built once per
/// machine into a cache folder and reused. Tests are inconclusive, with the reason, where it cannot be had.
/// </summary>
internal sealed partial class KernelKit
{
    private static readonly Lazy<KernelKit> s_kit = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    // Load order of the modules md needs (their "depends" from modinfo, leaves first). raid456 asks the crypto
    // layer for crc32c through libcrc32c, and with no modprobe in the initramfs the generic one is loaded first.
    private static readonly string[] s_modules =
    [
        "virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci", "virtio_blk",
        "crc32c_generic", "libcrc32c", "xor", "raid6_pq", "async_tx", "async_memcpy", "async_xor", "async_pq",
        "async_raid6_recov", "md-mod", "raid1", "raid456",
    ];

    private static readonly string[] s_applets = ["sh", "mount", "insmod", "sha256sum", "cat", "echo", "dd", "poweroff", "sleep", "ls", "grep", "sync", "head", "blockdev", "seq", "od", "tr", "yes", "cut"];

    private KernelKit(string kernel, string initramfs, string qemu)
    {
        Kernel = kernel;
        BaseInitramfs = initramfs;
        Qemu = qemu;
    }

    public static string CacheRoot => Environment.GetEnvironmentVariable("RAIDEMU_KERNEL_CACHE") ?? "/var/tmp/raidemu-md-vm";

    public string Kernel { get; }

    public string BaseInitramfs { get; }

    public string Qemu { get; }

    /// <summary>The kit, or the test is marked inconclusive with what is missing.</summary>
    public static KernelKit Get()
    {
        try
        {
            return s_kit.Value;
        }
        catch (KitUnavailableException ex)
        {
            Assert.Inconclusive(ex.Message);
            throw;
        }
    }

    private static KernelKit Build()
    {
        string qemu = Tools.Find("qemu-system-x86_64") ?? throw new KitUnavailableException("qemu-system-x86_64 is not installed (apt-get install qemu-system-x86); CI installs it");
        if (Tools.Find("apt-get") == null || Tools.Find("dpkg-deb") == null)
        {
            throw new KitUnavailableException("apt-get and dpkg-deb are needed to fetch the Debian kernel and mdadm");
        }

        string kernelPackage = KernelPackage();
        string folder = Path.Combine(CacheRoot, kernelPackage);
        string initramfs = Path.Combine(folder, "base.cpio.gz");
        string version = kernelPackage["linux-image-".Length..];
        string kernel = Path.Combine(folder, "root-kernel", "boot", $"vmlinuz-{version}");
        if (File.Exists(initramfs) && File.Exists(kernel))
        {
            return new KernelKit(kernel, initramfs, qemu);
        }

        Directory.CreateDirectory(folder);
        string[] packages = [kernelPackage, "mdadm", "libudev1", "libc6", "busybox-static"];
        foreach (string package in packages)
        {
            string target = Path.Combine(folder, "root-" + (package == kernelPackage ? "kernel" : package));
            if (Directory.Exists(target))
            {
                continue;
            }

            string deb = Download(folder, package);
            var (code, output) = Tools.Run("dpkg-deb", "-x", deb, target + ".part");
            if (code != 0)
            {
                throw new KitUnavailableException($"dpkg-deb could not unpack {deb}: {output.Trim()}");
            }

            Directory.Move(target + ".part", target);
            File.Delete(deb);
        }

        string modules = Path.Combine(folder, "root-kernel", "lib", "modules", version);
        var cpio = new CpioArchive();
        foreach (string dir in new[] { "bin", "sbin", "lib", "lib64", "lib/x86_64-linux-gnu", "proc", "sys", "dev", "tmp", "mods" })
        {
            cpio.AddDirectory(dir);
        }

        cpio.AddFile("bin/busybox", File.ReadAllBytes(Path.Combine(folder, "root-busybox-static", "bin", "busybox")));
        foreach (string applet in s_applets)
        {
            cpio.AddSymlink($"bin/{applet}", "busybox");
        }

        cpio.AddFile("sbin/mdadm", File.ReadAllBytes(Path.Combine(folder, "root-mdadm", "sbin", "mdadm")));
        cpio.AddFile("lib/x86_64-linux-gnu/libudev.so.1", ReadLibrary(folder, "libudev1", "libudev.so.1"));
        cpio.AddFile("lib/x86_64-linux-gnu/libc.so.6", ReadLibrary(folder, "libc6", "libc.so.6"));
        cpio.AddFile("lib64/ld-linux-x86-64.so.2", ReadLibrary(folder, "libc6", "ld-linux-x86-64.so.2"));
        var init = new StringBuilder("#!/bin/sh\nmount -t proc proc /proc\nmount -t sysfs sys /sys\nmount -t devtmpfs dev /dev\n");
        foreach (string module in s_modules)
        {
            string file = Directory.GetFiles(modules, module + ".ko", SearchOption.AllDirectories).FirstOrDefault()
                ?? throw new KitUnavailableException($"{kernelPackage} has no module {module}.ko");
            cpio.AddFile($"mods/{module}.ko", File.ReadAllBytes(file));
            init.Append(System.Globalization.CultureInfo.InvariantCulture, $"insmod /mods/{module}.ko || echo 'insmod {module} failed'\n");
        }

        // The per-run archive adds /test.sh; its output goes to the serial console between two markers.
        init.Append("echo ===VM-READY===\nsh /test.sh 2>&1\necho \"===VM-EXIT $?===\"\nsync\npoweroff -f\n");
        cpio.AddFile("init", Encoding.ASCII.GetBytes(init.ToString()));
        using (var file = File.Create(initramfs + ".part"))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            gzip.Write(cpio.ToArray());
        }

        File.Move(initramfs + ".part", initramfs, overwrite: true);
        return new KernelKit(kernel, initramfs, qemu);
    }

    /// <summary>The versioned kernel package the "linux-image-amd64" metapackage points at.</summary>
    private static string KernelPackage()
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            var (code, output) = Tools.Run("apt-cache", "depends", "linux-image-amd64");
            var match = KernelDepends().Match(output);
            if (code == 0 && match.Success)
            {
                return match.Groups[1].Value;
            }

            // A machine that never ran "apt-get update" knows no packages yet.
            Tools.Run("apt-get", "update", "-qq");
        }

        throw new KitUnavailableException("apt-cache cannot resolve linux-image-amd64 (no Debian package lists)");
    }

    private static string Download(string folder, string package)
    {
        var info = new System.Diagnostics.ProcessStartInfo("apt-get", ["download", "-qq", package])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(info)!;
        string errors = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string? deb = Directory.GetFiles(folder, package + "_*.deb").FirstOrDefault();
        return process.ExitCode == 0 && deb != null
            ? deb
            : throw new KitUnavailableException($"apt-get download {package} failed: {errors.Trim().Split('\n')[^1]}");
    }

    private static byte[] ReadLibrary(string folder, string package, string name)
    {
        string root = Path.Combine(folder, "root-" + package);
        string file = Directory.GetFiles(root, name, SearchOption.AllDirectories).FirstOrDefault()
            ?? throw new KitUnavailableException($"{package} has no {name}");
        return File.ReadAllBytes(new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file);
    }

    [GeneratedRegex(@"Depends: (linux-image-[0-9][^\s]*-amd64)")]
    private static partial Regex KernelDepends();

    private sealed class KitUnavailableException(string message) : Exception(message);
}
