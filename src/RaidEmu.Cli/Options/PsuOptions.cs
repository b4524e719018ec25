using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu psu ACTION ARRAY.</summary>
[Verb("psu", HelpText = "The array's power supplies: setup, status, fail, pull, insert, unplug, plug, repair, predict, outage, load, promote.")]
public sealed class PsuOptions
{
    /// <summary>What to do.</summary>
    [Value(0, MetaName = "ACTION", Required = true, HelpText = "setup, status, fail, pull, insert, unplug, plug, repair, predict, outage, load or promote.")]
    public string Action { get; set; } = "";

    /// <summary>The array folder.</summary>
    [Value(1, MetaName = "ARRAY", Required = true, HelpText = "The array's folder.")]
    public string Array { get; set; } = "";

    /// <summary>Which supply.</summary>
    [Option("supply", HelpText = "The supply: A, B, ...")]
    public string? Supply { get; set; }

    /// <summary>Redundancy mode.</summary>
    [Option("mode", HelpText = "setup: sharing, n-plus-m, failover or sparing.")]
    public string? Mode { get; set; }

    /// <summary>How many supplies.</summary>
    [Option("supplies", HelpText = "setup: number of supplies.")]
    public int? Supplies { get; set; }

    /// <summary>Capacity of each.</summary>
    [Option("capacity", HelpText = "setup: each supply's capacity in watts; insert: the inserted unit's rating, when it differs (more than 0, at most 1000000 W).")]
    public double? Capacity { get; set; }

    /// <summary>MinNeeded.</summary>
    [Option("min-needed", HelpText = "setup: supplies needed to keep running (default 1).")]
    public int? MinNeeded { get; set; }

    /// <summary>Hold-up.</summary>
    [Option("holdup-ms", HelpText = "setup: hold-up time in ms (default 12, at most 600000), optionally with per-supply overrides: 12,A=20.")]
    public string? HoldupMs { get; set; }

    /// <summary>Standby wake.</summary>
    [Option("wake-ms", HelpText = "setup: standby wake time in ms (default 0.1, at most 600000), optionally with per-supply overrides: 0.1,C=2000.")]
    public string? WakeMs { get; set; }

    /// <summary>Feeds.</summary>
    [Option("feeds", HelpText = "setup: input feeds (supply i on feed i mod feeds).")]
    public int? Feeds { get; set; }

    /// <summary>Base load.</summary>
    [Option("base-load", HelpText = "setup: system load apart from the disks, in watts (default 300, at most 1000000).")]
    public double? BaseLoad { get; set; }

    /// <summary>Capping.</summary>
    [Option("capping", HelpText = "setup: on or off (default off).")]
    public string? Capping { get; set; }

    /// <summary>Capping correction time.</summary>
    [Option("correction-ms", HelpText = "setup: how long capping takes to bring the load down (default 1 ms, at most 600000).")]
    public double? CorrectionMs { get; set; }

    /// <summary>Hot-spare thresholds.</summary>
    [Option("hot-spare", HelpText = "setup, failover only: on wakes a standby above 50 % load and sleeps it below 20 % (default off).")]
    public string? HotSpare { get; set; }

    /// <summary>Outage length.</summary>
    [Option("ms", HelpText = "outage: dropout length in ms, at most 600000 (10 minutes): the command plays it in real time.")]
    public double? Ms { get; set; }

    /// <summary>Outage feed.</summary>
    [Option("feed", HelpText = "outage: only this feed (default every feed).")]
    public int? Feed { get; set; }

    /// <summary>Load.</summary>
    [Option("watts", HelpText = "load: the new base load in watts (0 to 1000000).")]
    public double? Watts { get; set; }

    /// <summary>Print JSON.</summary>
    [Option("json", HelpText = "status: print one JSON document.")]
    public bool Json { get; set; }
}
