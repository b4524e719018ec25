using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu rebuild.</summary>
[Verb("rebuild", HelpText = "Run pending recovery and resync to completion.")]
public sealed class RebuildOptions : ArrayOptions
{
    /// <summary>On a served array, wait for background recovery instead of returning at once.</summary>
    [Option("wait", HelpText = "On a served array, wait until recovery and resync finish (offline, rebuild always runs to the end).")]
    public bool Wait { get; set; }
}
