using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Devices.Timing;
using RaidEmu.Core.Integrity;
using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid5;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Cli.Commands;

internal static class CreateCommand
{
    // Every member is an open file while the array runs; md's own limit is far beyond what a folder needs.
    private const int MaxSpares = GeometryPlanner.MaxRaidDisks;

    public static int Run(CreateOptions o)
    {
        var level = o.Level.Trim() switch
        {
            "1" or "raid1" => RaidLevel.Raid1,
            "5" or "raid5" => RaidLevel.Raid5,
            _ => throw new UsageException($"unknown RAID level '{o.Level}': use 1 or 5"),
        };
        Check(() => GeometryPlanner.CheckRaidDisks(level, o.Disks), "--disks");
        if (o.Spares is < 0 or > MaxSpares)
        {
            throw new UsageException($"--spares must be 0 to {MaxSpares}, not {o.Spares}");
        }

        if (level == RaidLevel.Raid1 && (o.Chunk ?? o.Layout) != null)
        {
            throw new UsageException($"{(o.Chunk != null ? "--chunk" : "--layout")} is for RAID 5; RAID 1 has no chunks or parity layout");
        }

        long diskBytes = Sizes.Parse(o.DiskSize, "--disk-size");
        long chunk = Sizes.ParseOptional(o.Chunk, "--chunk", ArrayCreateOptions.DefaultChunkBytes);
        Check(() => GeometryPlanner.CheckChunk(level, chunk), "--chunk");
        var layout = Raid5Algorithm.LeftSymmetric;
        if (o.Layout != null && !Raid5Layout.TryParse(o.Layout, out layout))
        {
            throw new UsageException($"unknown layout '{o.Layout}': use left-symmetric, left-asymmetric, right-symmetric or right-asymmetric");
        }

        Check(() => GeometryPlanner.ComponentBytes(level, (int)Math.Min(chunk, int.MaxValue), diskBytes), "--disk-size");
        string name = o.Name ?? Path.GetFileName(Path.GetFullPath(o.Array).TrimEnd(Path.DirectorySeparatorChar));
        Check(() => GeometryPlanner.CheckName(name), "--name");
        ArrayFolder.CheckNewFolder(o.Array);
        bool? bitmap = o.Bitmap switch
        {
            null => null,
            "internal" => true,
            "none" => false,
            _ => throw new UsageException($"unknown bitmap '{o.Bitmap}': use internal or none"),
        };
        long? bitmapChunk = o.BitmapChunk == null ? null : Sizes.Parse(o.BitmapChunk, "--bitmap-chunk");
        if (bitmapChunk is { } bc)
        {
            long component = GeometryPlanner.ComponentBytes(level, (int)Math.Min(chunk, int.MaxValue), diskBytes);
            Check(() => BitmapPlanner.CheckChunk(bc, component, diskBytes), "--bitmap-chunk");
        }

        var timing = o.Profile == null ? null : Checked(() => TimingProfile.Named(o.Profile), "--profile");
        if (o.Delay is < 1)
        {
            throw new UsageException($"--delay must be at least 1 second, not {o.Delay}");
        }

        var integrity = o.Integrity == null ? IntegrityAlgorithm.None
            : BlockTags.Parse(o.Integrity) ?? throw new UsageException($"unknown integrity '{o.Integrity}': use {string.Join(", ", BlockTags.Names)}");
        var options = new ArrayCreateOptions
        {
            Level = level,
            RaidDisks = o.Disks,
            ChunkBytes = (int)chunk,
            Algorithm = layout,
            Name = name,
            AssumeClean = o.AssumeClean,
            Integrity = integrity,
            Bitmap = bitmap,
            BitmapChunkBytes = bitmapChunk,
            BitmapDelaySeconds = o.Delay ?? ArrayCreateOptions.Default.BitmapDelaySeconds,
        };
        using var array = ArrayFolder.Create(o.Array, options, diskBytes, o.Spares, sparse: o.Sparse);
        timing?.Save(o.Array);
        CommandContext.Current.Out.WriteLine($"created {Describe(array)} in {o.Array}{(timing != null ? $", disk timing profile {timing.Profile}" : "")}");
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
        string bitmap = array.BitmapChunkBytes is { } bc ? $", internal bitmap (chunk {Sizes.Human(bc)})" : "";
        string checksums = array.Members.Select(m => m.Integrity).FirstOrDefault(i => i != null) is { } integrity ? $", {BlockTags.Name(integrity.Algorithm)} checksums" : "";
        return $"{shape}{(spares > 0 ? $" + {spares} spare{(spares > 1 ? "s" : "")}" : "")}, {Sizes.Human(array.Length)} usable{bitmap}{checksums}";
    }

    /// <summary>Runs one of Core's rules, naming the flag the refused value came from.</summary>
    private static void Check(Action rule, string flag) => Checked(() => { rule(); return 0; }, flag);

    /// <summary>Runs one of Core's parsers, naming the flag the refused value came from.</summary>
    private static T Checked<T>(Func<T> rule, string flag)
    {
        try
        {
            return rule();
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"{flag}: {ex.Message}");
        }
    }
}
