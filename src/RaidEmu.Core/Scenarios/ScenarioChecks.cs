namespace RaidEmu.Core.Scenarios;

/// <summary>Compares a run's report with what its scenario expects; each failure is one line.</summary>
public static class ScenarioChecks
{
    /// <summary>The expectations of <paramref name="expect"/> that <paramref name="report"/> does not meet.</summary>
    public static IReadOnlyList<string> Failures(ScenarioExpect expect, ScenarioReport report)
    {
        ArgumentNullException.ThrowIfNull(expect);
        ArgumentNullException.ThrowIfNull(report);
        var failures = new List<string>();
        if (!expect.LostBytes.Holds(report.BytesLost, report.BytesWritten))
        {
            failures.Add($"{report.BytesLost} bytes lost (EIO), expected {expect.LostBytes}");
        }

        if (!expect.WrongBytes.Holds(report.BytesWrong, report.BytesWritten))
        {
            failures.Add($"{report.BytesWrong} bytes read back wrong, expected {expect.WrongBytes}");
        }

        if (expect.State is { } state && report.FinalState != state)
        {
            failures.Add($"the array ended {report.FinalState.ToString().ToLowerInvariant()}, expected {state.ToString().ToLowerInvariant()}");
        }

        int at = 0;
        foreach (string wanted in expect.Events)
        {
            string[] parts = wanted.Split('@');
            int? disk = parts.Length > 1 && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out int d) ? d : null;
            while (at < report.Timeline.Count && !(report.Timeline[at].Type == parts[0] && (disk == null || report.Timeline[at].Member == disk)))
            {
                at++;
            }

            if (at == report.Timeline.Count)
            {
                failures.Add($"event {wanted} did not happen in the expected order ({string.Join(", ", expect.Events)})");
                break;
            }

            at++;
        }

        if (expect.Scrubs.Count > 0 && expect.Scrubs.Count != report.Scrubs.Count)
        {
            failures.Add($"{report.Scrubs.Count} checks or repairs ran, expected {expect.Scrubs.Count}");
        }
        else
        {
            foreach (var (wanted, got) in expect.Scrubs.Zip(report.Scrubs))
            {
                if (!wanted.Holds(got.Mismatches, report.BytesWritten))
                {
                    failures.Add($"{(got.Repair ? "repair" : "check")} at write {got.Op} counted {got.Mismatches} mismatched sectors, expected {wanted}");
                }
            }
        }

        return failures;
    }
}
