using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu rebuild.</summary>
[Verb("rebuild", HelpText = "Run pending recovery and resync to completion.")]
public sealed class RebuildOptions : ArrayOptions
{
}
