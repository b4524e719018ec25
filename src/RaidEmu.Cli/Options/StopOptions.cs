using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu stop.</summary>
[Verb("stop", HelpText = "Stop the process serving the array: flush, mark the array clean, release it.")]
public sealed class StopOptions : ArrayOptions
{
}
