using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu check.</summary>
[Verb("check", HelpText = "Scrub: count mismatched sectors between data and redundancy; writes nothing.")]
public sealed class CheckOptions : ArrayOptions
{
    /// <summary>Print JSON.</summary>
    [Option("json", HelpText = "Print one JSON document.")]
    public bool Json { get; set; }
}
