using System.Globalization;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Scenarios;

namespace RaidEmu.Cli.Commands;

/// <summary>raidemu scenario run: one experiment, its report, and exit 1 when an expectation fails.</summary>
internal static class ScenarioCommand
{
    public static int Run(ScenarioOptions o)
    {
        if (o.Action != "run")
        {
            throw new UsageException($"unknown scenario action '{o.Action}': use run");
        }

        string file = CommandContext.Current.Path(o.File);
        if (!File.Exists(file))
        {
            throw new UsageException($"{o.File} does not exist");
        }

        Scenario scenario;
        try
        {
            scenario = ScenarioParser.Parse(File.ReadAllText(file));
        }
        catch (ScenarioFormatException ex)
        {
            throw new UsageException($"{o.File}: {ex.Message}");
        }

        string folder = o.Dir != null
            ? CommandContext.Current.Path(o.Dir)
            : Path.Combine(Path.GetTempPath(), $"raidemu-scenario-{Environment.ProcessId}-{Guid.NewGuid():N}");
        if (o.Dir != null)
        {
            ArrayFolder.CheckNewFolder(folder);
        }

        ScenarioReport report;
        try
        {
            report = ScenarioRunner.Run(scenario, folder);
        }
        finally
        {
            if (o.Dir == null && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        Json.PrintOr(o.Json, report, Print);
        if (!report.Passed)
        {
            CommandContext.Current.Err.WriteLine($"raidemu: scenario '{report.Name}': expectation failed: {report.Failures[0]}");
            return ExitCodes.Failed;
        }

        return ExitCodes.Ok;
    }

    private static void Print(ScenarioReport r)
    {
        var output = CommandContext.Current.Out;
        output.WriteLine($"scenario {r.Name} (seed {r.Seed}): {r.Description}");
        output.WriteLine($"array: {r.Array}");
        output.WriteLine();
        output.WriteLine("timeline (write number, % of the workload, event):");
        foreach (var e in r.Timeline)
        {
            output.WriteLine(Invariant($"  {e.Op,6} {e.Percent,5:0.0}%  {e.Type}{(e.Member is { } m ? $" disk {m}" : "")}: {e.Details}"));
        }

        foreach (var s in r.Scrubs)
        {
            output.WriteLine(Invariant($"{(s.Repair ? "repair" : "check")} at write {s.Op}: {s.Mismatches} mismatched sectors"));
        }

        output.WriteLine();
        output.WriteLine(Invariant($"workload: {r.Ops} writes, {r.FailedWrites} failed; {Sizes.Human(r.BytesWritten)} to verify"));
        output.WriteLine(Invariant($"verified: {r.BytesVerified} bytes intact"));
        output.WriteLine(Invariant($"lost:     {r.BytesLost} bytes (reads fail with EIO){Ranges(r.LostRanges)}"));
        output.WriteLine(Invariant($"wrong:    {r.BytesWrong} bytes{(r.BytesWrong > 0 && r.WrongBecause != null ? $", expected for md: {r.WrongBecause}" : "")}{Ranges(r.WrongRanges)}"));
        if (r.BytesInDoubt > 0)
        {
            output.WriteLine(Invariant($"in doubt: {r.BytesInDoubt} bytes whose last write failed (old or new bytes are both right)"));
        }

        if (r.ReadBackProblems > 0)
        {
            output.WriteLine(Invariant($"read-back problems during the workload: {r.ReadBackProblems}"));
        }

        output.WriteLine($"final state: {r.FinalState.ToString().ToLowerInvariant()}; members: {string.Join(", ", r.Members.Select(m => Invariant($"disk {m.DevNumberText()} {m.State.ToString().ToLowerInvariant()}")))}");
        output.WriteLine();
        output.WriteLine("throughput per phase (wall clock, not reproducible):");
        foreach (var p in r.Phases)
        {
            string reads = string.Join(", ", p.MemberBytesRead.Where(r => r.Value > 0).Select(r => $"disk {r.Key} {Sizes.Human(r.Value)}"));
            output.WriteLine(Invariant($"  writes {p.FromOp}-{p.ToOp}: {p.Label}: {p.MibPerSecond:0.0} MiB/s{(reads.Length > 0 ? $"; reads from {reads}" : "")}"));
        }

        output.WriteLine(r.Passed ? "expectations: all hold" : $"expectations: {r.Failures.Count} failed: {string.Join("; ", r.Failures)}");
    }

    private static string DevNumberText(this RaidEmu.Core.Scenarios.MemberReport member) =>
        member.Slot >= 0 ? Invariant($"{member.Disk} (slot {member.Slot})") : Invariant($"{member.Disk}");

    private static string Ranges(IReadOnlyList<RaidEmu.Core.Md.ByteRange> ranges) =>
        ranges.Count == 0 ? "" : $" at {string.Join(", ", ranges.Take(8).Select(x => Invariant($"{x.Offset}+{x.Length}")))}{(ranges.Count > 8 ? $" and {ranges.Count - 8} more" : "")}";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
