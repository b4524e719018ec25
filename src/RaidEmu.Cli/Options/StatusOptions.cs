using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu status.</summary>
[Verb("status", HelpText = "Show the array's level, state, members and progress.")]
public sealed class StatusOptions : ArrayOptions
{
    /// <summary>Print JSON.</summary>
    [Option("json", HelpText = "Print one JSON document.")]
    public bool Json { get; set; }
}
