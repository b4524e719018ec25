using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu events.</summary>
[Verb("events", HelpText = "Show the array's event log, oldest first.")]
public sealed class EventsOptions : ArrayOptions
{
    /// <summary>Print JSON.</summary>
    [Option("json", HelpText = "Print one JSON document.")]
    public bool Json { get; set; }
}
