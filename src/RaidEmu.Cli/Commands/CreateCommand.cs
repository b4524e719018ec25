using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid5;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Cli.Commands;

internal static class CreateCommand
{
    public static int Run(CreateOptions o)
    {
        var level = o.Level.Trim() switch
        {
            "1" or "raid1" => RaidLevel.Raid1,
            "5" or "raid5" => RaidLevel.Raid5,
            _ => throw new UsageException($"unknown RAID level '{o.Level}': use 1 or 5"),
        };
        int minimum = level == RaidLevel.Raid1 ? 2 : 3;
        if (o.Disks < minimum)
        {
            throw new UsageException($"RAID {(int)level} needs at least {minimum} disks, not {o.Disks}");
        }

        if (o.Spares < 0)
        {
            throw new UsageException($"--spares must be 0 or more, not {o.Spares}");
        }

        long diskBytes = Sizes.Parse(o.DiskSize, "--disk-size");
        long chunk = Sizes.ParseOptional(o.Chunk, "--chunk", ArrayCreateOptions.DefaultChunkBytes);
        if (level == RaidLevel.Raid5 && (chunk < 4096 || chunk > 64 * 1024 * 1024 || (chunk & (chunk - 1)) != 0))
        {
            throw new UsageException($"--chunk {o.Chunk} must be a power of two from 4K to 64M");
        }

        var layout = Raid5Algorithm.LeftSymmetric;
        if (o.Layout != null && !Raid5Layout.TryParse(o.Layout, out layout))
        {
            throw new UsageException($"unknown layout '{o.Layout}': use left-symmetric, left-asymmetric, right-symmetric or right-asymmetric");
        }

        int unit = level == RaidLevel.Raid5 ? (int)chunk : 64 * 1024;
        long needed = ArrayCreateOptions.DataOffsetBytes + unit;
        if (diskBytes < needed || diskBytes % 512 != 0)
        {
            throw new UsageException($"--disk-size {o.DiskSize} is too small or not a multiple of 512: each member needs 1 MiB of metadata area plus at least one {Sizes.Human(unit)} unit of data ({needed} bytes)");
        }

        string name = o.Name ?? Path.GetFileName(Path.GetFullPath(o.Array).TrimEnd(Path.DirectorySeparatorChar));
        if (Directory.Exists(o.Array) && Directory.EnumerateFileSystemEntries(o.Array).Any())
        {
            throw new UsageException($"{o.Array} already exists and is not empty; choose a new folder for the array");
        }

        var options = new ArrayCreateOptions
        {
            Level = level,
            RaidDisks = o.Disks,
            ChunkBytes = (int)chunk,
            Algorithm = layout,
            Name = name,
            AssumeClean = o.AssumeClean,
        };
        using var array = ArrayFolder.Create(o.Array, options, diskBytes, o.Spares);
        CommandContext.Current.Out.WriteLine($"created {Describe(array)} in {o.Array}");
        if (!o.AssumeClean)
        {
            ProgressView.Run("initial sync", array.Geometry.ComponentBytes, p => array.RunSync(p));
            CommandContext.Current.Out.WriteLine("initial sync complete");
        }

        return 0;
    }

    public static string Describe(RaidArray array)
    {
        var g = array.Geometry;
        string shape = g.Level == RaidLevel.Raid5
            ? $"RAID 5 '{array.Name}' of {g.RaidDisks} disks ({Raid5Layout.Name(g.Algorithm)}, chunk {Sizes.Human(g.ChunkBytes)})"
            : $"RAID 1 '{array.Name}' of {g.RaidDisks} disks";
        int spares = array.Members.Count(m => m.State == MemberState.Spare);
        return $"{shape}{(spares > 0 ? $" + {spares} spare{(spares > 1 ? "s" : "")}" : "")}, {Sizes.Human(array.Length)} usable";
    }
}
