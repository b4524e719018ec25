using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu rebuild.</summary>
[Verb("rebuild", HelpText = "Run pending recovery and resync to completion.")]
public sealed class RebuildOptions : ArrayOptions
{
    /// <summary>On a served array, wait for background recovery instead of returning at once.</summary>
    [Option("wait", HelpText = "On a served array, wait until recovery and resync finish (offline, rebuild always runs to the end).")]
    public bool Wait { get; set; }

    /// <summary>md's sync_speed_max: the most bytes per second recovery or resync may go through on each member.</summary>
    [Option("max-speed", HelpText = "Limit recovery and resync to this many bytes per second per member, as md's sync_speed_max (K/M/G allowed; default unlimited).")]
    public string? MaxSpeed { get; set; }
}
