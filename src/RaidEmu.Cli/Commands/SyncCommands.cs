using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Md;

namespace RaidEmu.Cli.Commands;

/// <summary>rebuild, check, repair and start.</summary>
internal static class SyncCommands
{
    public static int Rebuild(RebuildOptions o)
    {
        long maxSpeed = Sizes.ParseOptional(o.MaxSpeed, "--max-speed", 0);
        if (o.MaxSpeed != null && maxSpeed <= 0)
        {
            throw new UsageException("--max-speed must be more than 0 bytes per second");
        }

        using var handle = CommandContext.Current.Arrays.Open(o.Array, "rebuild");
        handle.Array.SyncSpeedLimit = maxSpeed;
        if (handle.Live && !o.Wait && handle.Array.PendingSync != null)
        {
            handle.Array.StartBackgroundSync();
            CommandContext.Current.Out.WriteLine($"{handle.Array.PendingSync?.ToString().ToLowerInvariant() ?? "sync"} running in the background; 'raidemu rebuild {o.Array} --wait' waits for it");
            return 0;
        }

        return Rebuild(handle.Array, o.Array);
    }

    public static int Rebuild(RaidArray array, string folder)
    {
        var pending = array.PendingSync;
        if (pending == null)
        {
            if (array.State == ArrayState.Degraded)
            {
                throw new InvalidOperationException($"array is degraded and has no member to rebuild onto; add one with 'raidemu add {folder}'");
            }

            CommandContext.Current.Out.WriteLine($"nothing to do: array is {MemberCommands.State(array)}");
            return 0;
        }

        var started = DateTime.UtcNow;
        string title = pending == SyncKind.Recovery ? "recovery" : "resync";
        ProgressView.Run(title, array.Geometry.ComponentBytes, p => array.RunSync(p));
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        CommandContext.Current.Out.WriteLine($"{title} complete: {Sizes.Human(array.Geometry.ComponentBytes)} per member in {seconds:0.0} s; array is {MemberCommands.State(array)}");
        return 0;
    }

    public static int Check(CheckOptions o) => Scrub(o.Array, repair: false, o.Json);

    public static int Repair(RepairOptions o) => Scrub(o.Array, repair: true, o.Json);

    public static long Scrub(RaidArray array, bool repair, bool showProgress = true) => ScrubWithReport(array, repair, showProgress).Mismatches;

    public static int Start(StartOptions o)
    {
        using var handle = CommandContext.Current.Arrays.Open(o.Array, "start", o.Force);
        foreach (string note in handle.Array.ForceNotes)
        {
            CommandContext.Current.Out.WriteLine($"forced: {note}");
        }

        CommandContext.Current.Out.WriteLine($"array is {MemberCommands.State(handle.Array)}{(handle.Array.PendingSync is { } kind ? $"; {kind.ToString().ToLowerInvariant()} pending: run 'raidemu rebuild {o.Array}'" : "")}");
        return 0;
    }

    private static ScrubReport ScrubWithReport(RaidArray array, bool repair, bool showProgress)
    {
        ScrubReport? report = null;
        ProgressView.Run(repair ? "repair" : "check", showProgress ? array.Geometry.ComponentBytes : 0, p => report = array.ScrubWithReport(repair, p));
        return report!;
    }

    private static int Scrub(string folder, bool repair, bool json)
    {
        using var handle = CommandContext.Current.Arrays.Open(folder, repair ? "repair" : "check");
        // JSON output is for programs: a progress bar would land in front of the document.
        var before = CorrectedChecksumErrors(handle.Array.Members);
        var report = ScrubWithReport(handle.Array, repair, showProgress: !json);
        long mismatches = report.Mismatches;

        // With checksums md's read-error path has already rewritten every block that failed its own: say which, and
        // what each held (on RAID 5 rotten data and rotten parity are told apart).
        var checksums = handle.Array.Members.Where(m => m.Integrity != null)
            .Select(m => new
            {
                disk = m.DevNumber,
                correctedChecksumErrors = m.CorrectedChecksumErrors - (before.TryGetValue(m, out int counted) ? counted : 0),
                blocks = report.ChecksumFailures.Where(f => f.Disk == m.DevNumber).ToList(),
            })
            .ToList();
        if (json)
        {
            var shown = checksums.Select(c => new { c.disk, c.correctedChecksumErrors, blocks = c.blocks.Select(ChecksumFailureView.Json) }).ToList();
            Json.Print(new { action = repair ? "repair" : "check", mismatches, checksumErrors = checksums.Count == 0 ? null : shown });
        }
        else
        {
            CommandContext.Current.Out.WriteLine($"{(repair ? "repair" : "check")}: {mismatches} mismatched sectors{(repair && mismatches > 0 ? " rewritten" : "")}");
            foreach (var c in checksums)
            {
                var repaired = c.blocks.Where(b => b.Repaired).ToList();
                var lost = c.blocks.Where(b => !b.Repaired).ToList();
                if (c.correctedChecksumErrors > 0 || repaired.Count > 0)
                {
                    CommandContext.Current.Out.WriteLine($"disk {c.disk}: {c.correctedChecksumErrors} read(s) failed their checksum and were rewritten from redundancy; {repaired.Count} block(s): {ChecksumFailureView.Text(repaired)}");
                }

                if (lost.Count > 0)
                {
                    CommandContext.Current.Out.WriteLine($"disk {c.disk}: {lost.Count} block(s) failed their checksum and could not be repaired (no redundancy left; reads of them fail with EIO): {ChecksumFailureView.Text(lost)}");
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// Each member's count of reads that failed their checksum, keyed by the member object (its device number does not
    /// change during a scrub): a dictionary over int keys was compiled at run time in every check.
    /// </summary>
    private static Dictionary<Member, int> CorrectedChecksumErrors(IReadOnlyList<Member> members)
    {
        var counts = new Dictionary<Member, int>(members.Count);
        foreach (var member in members)
        {
            counts[member] = member.CorrectedChecksumErrors;
        }

        return counts;
    }
}
