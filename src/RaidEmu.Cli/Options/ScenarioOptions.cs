using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu scenario run FILE.</summary>
[Verb("scenario", HelpText = "Reproducible experiments: 'scenario run FILE' creates an array, runs a seeded workload with faults, failures, rebuilds and power cuts at given points, verifies every byte written and checks the file's expectations.")]
public sealed class ScenarioOptions
{
    /// <summary>What to do.</summary>
    [Value(0, MetaName = "ACTION", Required = true, HelpText = "run.")]
    public string Action { get; set; } = "";

    /// <summary>The scenario file.</summary>
    [Value(1, MetaName = "FILE", Required = true, HelpText = "The scenario (JSON); see benchmarks/scenarios/.")]
    public string File { get; set; } = "";

    /// <summary>Where the array is made.</summary>
    [Option("dir", HelpText = "A new or empty folder for the array, kept afterwards (default: a temporary folder, deleted at the end).")]
    public string? Dir { get; set; }

    /// <summary>Print JSON.</summary>
    [Option("json", HelpText = "Print the report as one JSON document.")]
    public bool Json { get; set; }
}
