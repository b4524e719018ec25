using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu repair.</summary>
[Verb("repair", HelpText = "Scrub and rewrite redundancy where it differs from the data.")]
public sealed class RepairOptions : ArrayOptions
{
    /// <summary>Print JSON.</summary>
    [Option("json", HelpText = "Print one JSON document.")]
    public bool Json { get; set; }
}
