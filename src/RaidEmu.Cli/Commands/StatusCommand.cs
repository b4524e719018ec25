using System.Globalization;
using System.Text.RegularExpressions;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Events;
using RaidEmu.Core.Faults;
using RaidEmu.Core.Integrity;
using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid5;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Power;

namespace RaidEmu.Cli.Commands;

internal static partial class StatusCommand
{
    public static int Run(StatusOptions o)
    {
        using var handle = CommandContext.Current.Arrays.Inspect(o.Array);
        var report = Build(handle.Array, handle.Folder, CommandContext.Current.Arrays.Faults(o.Array));
        Json.PrintOr(o.Json, report, Print);

        return 0;
    }

    /// <param name="array">The array.</param>
    /// <param name="folder">Its folder.</param>
    /// <param name="faults">The faults injected into its members; null reads the folder's <c>faults.json</c>.</param>
    public static StatusReport Build(RaidArray array, string folder, IReadOnlyList<Fault>? faults = null)
    {
        faults ??= FaultSet.Load(folder).Faults;
        var g = array.Geometry;
        var members = new List<MemberReport>();
        foreach (var m in array.Members)
        {
            string state = m.State switch
            {
                MemberState.InSync => "in_sync",
                MemberState.Rebuilding when m.WasStale => "stale",
                MemberState.Rebuilding => "rebuilding",
                MemberState.Spare => "spare",
                MemberState.Stale => "stale",
                _ => "faulty",
            };
            object role = m.State switch
            {
                MemberState.InSync or MemberState.Rebuilding => m.Slot,
                MemberState.Spare => "spare",
                MemberState.Stale => "none",
                _ => "faulty",
            };
            members.Add(new MemberReport(
                m.DevNumber,
                m.Path == null ? null : Path.GetFileName(m.Path),
                role,
                state,
                m.Events,
                m.CorrectedReadErrors,
                m.BadBlocks.Runs,
                [.. faults.Where(f => f.Disk == m.DevNumber).Select(FaultReport.From)],
                m.Integrity?.FailedBlocks,
                m.Integrity == null ? null : m.CorrectedChecksumErrors));
        }

        // A flag per slot, not a set of ints: a framework set over a value type is compiled at run time in every status.
        var held = new bool[g.RaidDisks];
        foreach (var m in array.Members)
        {
            if (m.State is MemberState.InSync or MemberState.Rebuilding && m.Slot >= 0 && m.Slot < held.Length)
            {
                held[m.Slot] = true;
            }
        }

        for (int slot = 0; slot < g.RaidDisks; slot++)
        {
            if (!held[slot])
            {
                members.Add(new MemberReport(null, null, slot, "missing", null));
            }
        }

        var rebuilding = array.Members.Where(m => m.State == MemberState.Rebuilding).ToList();
        var recovery = rebuilding.Count > 0 ? new RangeReport(rebuilding.Min(m => m.RecoveryOffset), g.ComponentBytes) : null;
        var resync = array.SyncedUpTo < g.ComponentBytes && array.State != ArrayState.Failed ? new RangeReport(array.SyncedUpTo, g.ComponentBytes) : null;

        return new StatusReport(
            array.Name,
            array.Uuid,
            (int)g.Level,
            g.Level == RaidLevel.Raid5 ? Raid5Layout.Name(g.Algorithm) : null,
            g.ChunkBytes,
            array.Length,
            g.DataOffsetBytes,
            array.State.ToString().ToLowerInvariant(),
            array.IsDirty || array.SyncedUpTo < g.ComponentBytes,
            array.EventCount,
            RaidArray.ParityKernel.ToString(),
            members,
            recovery,
            resync,
            LastCheck(folder),
            array.StartProblem ?? (array.BackgroundError is { } error ? $"background recovery stopped: {error.Message}" : null),
            (PowerFolder.ReadRail(folder) ?? RailState.Good).ToString(),
            [.. array.LeftOut.Select(l => new LeftOutReport(Path.GetFileName(l.Path), l.Reason))],
            array.BitmapChunkBytes is { } chunk
                ? new BitmapReport(chunk, array.BitmapDirtyChunks ?? 0, (g.ComponentBytes + chunk - 1) / chunk, array.BitmapEventsCleared ?? 0, LastSaving(folder))
                : null,
            Regions(array.Unrecoverable),
            array.Members.Select(m => m.Integrity).FirstOrDefault(i => i != null) is { } integrity ? BlockTags.Name(integrity.Algorithm) : null);
    }

    private static SavingReport? LastSaving(string folder)
    {
        foreach (var e in EventLog.Read(ArrayFolder.EventLogPath(folder)).Reverse())
        {
            if (e.Type is EventTypes.ResyncCompleted or EventTypes.RecoveryCompleted && e.Details != null && SyncDetails().Match(e.Details) is { Success: true } match)
            {
                return new SavingReport(
                    e.Type == EventTypes.ResyncCompleted ? "resync" : "recovery",
                    long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
                    long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
            }
        }

        return null;
    }

    private static CheckReport? LastCheck(string folder)
    {
        var last = EventLog.Read(ArrayFolder.EventLogPath(folder)).LastOrDefault(e => e.Type == EventTypes.ScrubCompleted);
        if (last?.Details == null)
        {
            return null;
        }

        var match = ScrubDetails().Match(last.Details);
        return match.Success
            ? new CheckReport(match.Groups[1].Value, long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), last.Time)
            : null;
    }

    public static void Print(StatusReport r)
    {
        CommandContext.Current.Out.WriteLine($"name:       {r.Name}");
        CommandContext.Current.Out.WriteLine($"uuid:       {r.Uuid}");
        CommandContext.Current.Out.WriteLine(r.Level == 5
            ? $"level:      raid5, {r.Layout}, chunk {Sizes.Human(r.ChunkBytes)}"
            : "level:      raid1");
        CommandContext.Current.Out.WriteLine($"size:       {r.SizeBytes} bytes ({Sizes.Human(r.SizeBytes)}), data offset {r.DataOffsetBytes}");
        CommandContext.Current.Out.WriteLine($"state:      {r.State}");
        CommandContext.Current.Out.WriteLine($"events:     {r.Events}");
        CommandContext.Current.Out.WriteLine($"parity:     {r.ParityKernel}");
        CommandContext.Current.Out.WriteLine($"power:      {r.Power}");
        if (r.Bitmap is { } bitmap)
        {
            CommandContext.Current.Out.WriteLine($"bitmap:     internal, chunk {Sizes.Human(bitmap.ChunkBytes)}, {bitmap.DirtyChunks} of {bitmap.Chunks} chunks dirty");
            if (bitmap.LastSync is { } saved)
            {
                long total = saved.SyncedBytes + saved.SkippedBytes;
                CommandContext.Current.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"            last {saved.Kind} copied {Sizes.Human(saved.SyncedBytes)} and skipped {Sizes.Human(saved.SkippedBytes)} clean in the bitmap ({(total == 0 ? 0 : 100.0 * saved.SkippedBytes / total):0.#}% saved)"));
            }
        }

        if (r.Integrity != null)
        {
            var failures = r.Members.Where(m => m.ChecksumFailures != null).Select(m => $"disk {m.Disk} {m.ChecksumFailures} ({m.CorrectedChecksumErrors} corrected)");
            CommandContext.Current.Out.WriteLine($"integrity:  {r.Integrity} per 4 KiB block; blocks that failed their checksum: {string.Join(", ", failures)}");
        }

        if (r.Recovery != null)
        {
            CommandContext.Current.Out.WriteLine($"recovery:   {r.Recovery.OffsetBytes} of {r.Recovery.TotalBytes} bytes ({Percent(r.Recovery)}){NextStep(r)}");
        }

        if (r.Resync != null)
        {
            CommandContext.Current.Out.WriteLine($"resync:     {r.Resync.OffsetBytes} of {r.Resync.TotalBytes} bytes ({Percent(r.Resync)}){NextStep(r)}");
        }

        if (r.LastCheck != null)
        {
            CommandContext.Current.Out.WriteLine($"last {r.LastCheck.Kind}: {r.LastCheck.Mismatches} mismatched sectors");
        }

        if (r.Problem != null)
        {
            CommandContext.Current.Out.WriteLine($"problem:    {r.Problem}");
        }

        foreach (var left in r.LeftOut)
        {
            CommandContext.Current.Out.WriteLine($"left out:   {left.Reason}");
        }

        CommandContext.Current.Out.WriteLine();
        CommandContext.Current.Out.WriteLine("DISK  ROLE    STATE       EVENTS  FILE");
        foreach (var m in r.Members.OrderBy(m => m.Role is int slot ? slot : 1000 + (m.Disk ?? 0)))
        {
            string disk = m.Disk?.ToString(CultureInfo.InvariantCulture) ?? "-";
            string role = Convert.ToString(m.Role, CultureInfo.InvariantCulture)!;
            string events = m.Events?.ToString(CultureInfo.InvariantCulture) ?? "-";
            CommandContext.Current.Out.WriteLine($"{disk,-5} {role,-7} {m.State,-11} {events,-7} {m.File ?? "-"}");
        }

        PrintErrors(r);
    }

    /// <summary>After the table: a line per member once any has errors, bad blocks or faults, and the regions lost.</summary>
    private static void PrintErrors(StatusReport r)
    {
        var output = CommandContext.Current.Out;
        // Keyed by int, not int?: an ordering by a nullable key is compiled at run time in every status.
        var members = r.Members.Where(m => m.Disk != null).OrderBy(m => m.Disk!.Value).ToList();
        if (members.Any(m => m.CorrectedReadErrors > 0 || m.BadBlocks?.Count > 0 || m.Faults?.Count > 0))
        {
            output.WriteLine();
            foreach (var m in members)
            {
                long bad = m.BadBlocks?.Sum(b => b.Count) ?? 0;
                string faults = m.Faults is { Count: > 0 } list
                    ? "; faults: " + string.Join("; ", list.Select(f => $"{f.Id} {f.Kind}"))
                    : "";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"disk {m.Disk}: {m.CorrectedReadErrors} corrected read errors, {bad} bad sectors recorded{faults}"));
            }
        }

        if (r.Unrecoverable is { Count: > 0 } lost)
        {
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"unrecoverable: {lost.Sum(l => l.Length) / 512} sectors lost at offsets {string.Join(", ", lost.Select(l => $"{l.Offset} (+{l.Length})"))}; reads there fail"));
        }
    }

    private static string Percent(RangeReport range) =>
        string.Create(CultureInfo.InvariantCulture, $"{100.0 * range.OffsetBytes / range.TotalBytes:0.#}%");

    [GeneratedRegex(@"synced (\d+) bytes, bitmap skipped (\d+) bytes")]
    private static partial Regex SyncDetails();

    [GeneratedRegex(@"^(check|repair): (\d+) mismatched")]
    private static partial Regex ScrubDetails();

    // A failed array has nothing left to rebuild from: rebuild would only fail again.
    private static string NextStep(StatusReport r) =>
        r.State == "failed" ? "; the array has failed, so it cannot complete" : "; run 'raidemu rebuild' to complete it";

    // A loop: Select over the ByteRange struct is compiled at run time in every status.
    private static List<RegionReport> Regions(IReadOnlyList<ByteRange> regions)
    {
        var reports = new List<RegionReport>(regions.Count);
        for (int i = 0; i < regions.Count; i++)
        {
            reports.Add(new RegionReport(regions[i].Offset, regions[i].Length));
        }

        return reports;
    }
}
