using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu create.</summary>
[Verb("create", HelpText = "Create an array folder with its member files and run the initial sync.")]
public sealed class CreateOptions : ArrayOptions
{
    /// <summary>RAID level.</summary>
    [Option("level", Required = true, HelpText = "RAID level: 1 or 5.")]
    public string Level { get; set; } = "";

    /// <summary>Slots.</summary>
    [Option("disks", Required = true, HelpText = "Number of member disks (RAID 1: 2+, RAID 5: 3+).")]
    public int Disks { get; set; }

    /// <summary>Member file size.</summary>
    [Option("disk-size", Required = true, HelpText = "Size of each member file: bytes or K/M/G (powers of 1024).")]
    public string DiskSize { get; set; } = "";

    /// <summary>Chunk size.</summary>
    [Option("chunk", HelpText = "RAID 5 chunk size, a power of two of at least 4K (default 512K).")]
    public string? Chunk { get; set; }

    /// <summary>Parity layout.</summary>
    [Option("layout", HelpText = "RAID 5 layout: left-symmetric (default), left-asymmetric, right-symmetric, right-asymmetric.")]
    public string? Layout { get; set; }

    /// <summary>Hot spares.</summary>
    [Option("spares", Default = 0, HelpText = "Hot spare disks (0 to 64).")]
    public int Spares { get; set; }

    /// <summary>Name.</summary>
    [Option("name", HelpText = "Array name (default: the folder's name).")]
    public string? Name { get; set; }

    /// <summary>Allocate member files lazily.</summary>
    [Option("sparse", HelpText = "Leave the member files sparse instead of allocating them in full. Warning: when the host file system fills up, writes to the array fail.")]
    public bool Sparse { get; set; }

    /// <summary>Write-intent bitmap.</summary>
    [Option("bitmap", HelpText = "Write-intent bitmap: internal or none. Default as mdadm 4.2 chooses: internal only when each member holds over 100 GiB, where a full resync after a crash takes hours; smaller arrays resync in full quickly and skip the bitmap's extra writes.")]
    public string? Bitmap { get; set; }

    /// <summary>Bitmap chunk.</summary>
    [Option("bitmap-chunk", HelpText = "Bytes of each member per bitmap bit, a power of two (default as mdadm: 64M, or larger when the bits would not fit).")]
    public string? BitmapChunk { get; set; }

    /// <summary>Bitmap daemon sleep.</summary>
    [Option("delay", HelpText = "Seconds between the bitmap daemon's sweeps, which clear bits 2-3 sweeps after the last write (default 5, as md).")]
    public int? Delay { get; set; }

    /// <summary>Per-block checksums.</summary>
    [Option("integrity", HelpText = "A checksum for every 4 KiB block of each member, in a diskN.img.integrity file beside it, verified on every read so silent corruption is repaired from redundancy: none (default: members exactly as md's), xxh3 or crc32c.")]
    public string? Integrity { get; set; }

    /// <summary>Disk timing profile.</summary>
    [Option("profile", HelpText = "Disk timing profile applied to member I/O whenever the array is opened: none (host page-cache speed, the default), hdd (seeks, 7200 rpm, 200 MB/s, one I/O at a time), ssd (80 us reads, 500 MB/s) or nvme (20 us, 3 GB/s). Kept in timing.json in the array folder, where its parameters can be overridden. The initial sync runs at host speed.")]
    public string? Profile { get; set; }

    /// <summary>Skip the initial sync.</summary>
    [Option("assume-clean", HelpText = "Skip the initial sync: the new, zeroed members are already consistent.")]
    public bool AssumeClean { get; set; }
}
