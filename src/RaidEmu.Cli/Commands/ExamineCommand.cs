using System.Globalization;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Integrity;
using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid5;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Cli.Commands;

internal static class ExamineCommand
{
    public static int Run(ExamineOptions o)
    {
        string path = CommandContext.Current.Path(o.File);
        if (!File.Exists(path))
        {
            throw new UsageException($"{o.File} does not exist");
        }

        Superblock sb;
        ExamineBadBlockLog? log;
        using (var device = FileBlockDevice.Open(path, readOnly: true))
        {
            sb = Superblock.Read(device, o.File);
            log = ReadLog(device, sb, o.File);
        }

        var report = Build(o.File, sb, log) with { Integrity = Sidecar(path) };
        Json.PrintOr(o.Json, report, Print);

        return 0;
    }

    /// <summary>The log and its entries; a damaged log is reported in the result, not thrown.</summary>
    private static ExamineBadBlockLog? ReadLog(IBlockDevice device, Superblock sb, string file)
    {
        if (!BadBlockLog.IsConfigured(sb))
        {
            return null;
        }

        IReadOnlyList<(long Sector, long Count)> entries = [];
        string? problem = null;
        try
        {
            entries = BadBlockLog.Read(device, sb, file);
        }
        catch (IOException ex)
        {
            problem = ex.Message;
        }

        return new ExamineBadBlockLog(
            sb.BadBlockLogOffset,
            sb.BadBlockLogSize,
            sb.BadBlockLogShift,
            BadBlockLog.Capacity(sb.BadBlockLogSize),
            entries.Count,
            [.. entries.Select(e => new ExamineBadBlock(e.Sector, e.Count))],
            problem);
    }

    private static ExamineReport Build(string file, Superblock sb, ExamineBadBlockLog? log)
    {
        bool recovering = (sb.FeatureMap & Superblock.FeatureRecoveryOffset) != 0;
        object role = sb.OwnRole switch
        {
            DeviceRole.Spare => "spare",
            DeviceRole.Faulty => "faulty",
            DeviceRole.Journal => "journal",
            var slot => (int)slot,
        };

        // mdadm's Array State: one letter per slot, 'A' when some device holds it, '.' when none does.
        var state = new char[sb.RaidDisks];
        Array.Fill(state, '.');
        foreach (ushort r in sb.Roles)
        {
            if (r < sb.RaidDisks)
            {
                state[r] = 'A';
            }
        }

        return new ExamineReport(
            file,
            $"{Superblock.Magic:x8}",
            "1.2",
            $"0x{sb.FeatureMap:x}",
            sb.SetUuid,
            sb.SetName,
            sb.CreationTime,
            sb.Level,
            sb.RaidDisks,
            sb.Level == 5 ? Raid5Layout.Name((Raid5Algorithm)sb.Layout) : null,
            (int)sb.ChunkSectors * 512,
            sb.Size,
            sb.DataOffset,
            sb.DataSize,
            sb.SuperOffset,
            recovering ? sb.RecoveryOffset : null,
            sb.DevNumber,
            sb.DeviceUuid,
            sb.UpdateTime,
            sb.Events,
            sb.ResyncOffset == Superblock.Synced ? "clean" : "active",
            role,
            new string(state),
            sb.CorrectedReads,
            log);
    }

    /// <summary>The sidecar beside <paramref name="path"/>, read without trusting it: a damaged one is reported, not thrown.</summary>
    private static IntegrityReport? Sidecar(string path)
    {
        string sidecar = IntegrityFiles.SidecarPath(path);
        if (!File.Exists(sidecar))
        {
            return null;
        }

        var block = new byte[IntegrityHeader.Bytes];
        using (var stream = File.OpenRead(sidecar))
        {
            stream.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
        }

        try
        {
            var header = IntegrityHeader.Decode(block, Path.GetFileName(sidecar));
            return new IntegrityReport(Path.GetFileName(sidecar), BlockTags.Name(header.Algorithm), BlockTags.BlockBytes, header.Blocks, header.FailedBlocks, null);
        }
        catch (IntegrityFileException ex)
        {
            return new IntegrityReport(Path.GetFileName(sidecar), null, null, null, null, ex.Message);
        }
    }

    private static void Print(ExamineReport r)
    {
        var lines = new List<(string Key, string Value)>
        {
            ("Magic", r.Magic),
            ("Version", r.Version),
            ("Feature Map", r.FeatureMap),
            ("Array UUID", MdUuid(r.ArrayUuid)),
            ("Name", r.Name),
            ("Creation Time", r.CreationTime.ToString("u", CultureInfo.InvariantCulture)),
            ("Raid Level", $"raid{r.Level}"),
            ("Raid Devices", r.RaidDevices.ToString(CultureInfo.InvariantCulture)),
            ("Avail Dev Size", $"{r.DataSizeSectors} sectors"),
            ("Used Dev Size", $"{r.SizeSectors} sectors"),
            ("Data Offset", $"{r.DataOffsetSectors} sectors"),
            ("Super Offset", $"{r.SuperOffsetSectors} sectors"),
        };
        if (r.RecoveryOffsetSectors is { } recovery)
        {
            lines.Add(("Recovery Offset", $"{recovery} sectors"));
        }

        lines.Add(("State", r.State));
        lines.Add(("Device UUID", MdUuid(r.DeviceUuid)));
        lines.Add(("Update Time", r.UpdateTime.ToString("u", CultureInfo.InvariantCulture)));
        if (r.BadBlockLog is { } log)
        {
            // mdadm's wording, plus how many entries are in use.
            lines.Add(("Bad Block Log", $"{log.EntriesAvailable} entries available at offset {log.OffsetSectors} sectors, {log.EntriesUsed} used"));
        }

        if (r.CorrectedReadErrors > 0)
        {
            lines.Add(("Corrected Reads", r.CorrectedReadErrors.ToString(CultureInfo.InvariantCulture)));
        }

        lines.Add(("Checksum", "correct"));
        lines.Add(("Events", r.Events.ToString(CultureInfo.InvariantCulture)));
        if (r.Layout != null)
        {
            lines.Add(("Layout", r.Layout));
            lines.Add(("Chunk Size", $"{r.ChunkBytes / 1024}K"));
        }

        lines.Add(("Device Role", r.Role is int slot ? $"Active device {slot}" : (string)r.Role));
        lines.Add(("Array State", r.ArrayState));
        if (r.Integrity is { } integrity)
        {
            lines.Add(("Integrity", integrity.Problem ?? $"{integrity.Algorithm}, {integrity.Blocks} blocks of {integrity.BlockBytes} bytes, {integrity.FailedBlocks} failed their checksum ({integrity.File})"));
        }

        CommandContext.Current.Out.WriteLine($"{r.File}:");
        foreach (var (key, value) in lines)
        {
            CommandContext.Current.Out.WriteLine($"{key,15} : {value}");
        }

        PrintBadBlocks(r.BadBlockLog);
    }

    /// <summary>The entries as <c>mdadm --examine-badblocks</c> lists them, or why they could not be read.</summary>
    private static void PrintBadBlocks(ExamineBadBlockLog? log)
    {
        if (log == null)
        {
            CommandContext.Current.Out.WriteLine("No bad-blocks list configured");
            return;
        }

        if (log.Problem != null)
        {
            CommandContext.Current.Out.WriteLine($"Bad-blocks list is damaged: {log.Problem}");
            return;
        }

        if (log.BadBlocks.Count == 0)
        {
            CommandContext.Current.Out.WriteLine("Bad-blocks list is empty");
            return;
        }

        CommandContext.Current.Out.WriteLine("Bad-blocks:");
        foreach (var entry in log.BadBlocks)
        {
            CommandContext.Current.Out.WriteLine($"{entry.Sector,20} for {entry.Count} sectors");
        }
    }

    /// <summary>mdadm prints UUIDs as four colon-separated groups of eight hex digits.</summary>
    private static string MdUuid(Guid uuid)
    {
        string hex = uuid.ToString("N");
        return $"{hex[..8]}:{hex[8..16]}:{hex[16..24]}:{hex[24..]}";
    }
}
