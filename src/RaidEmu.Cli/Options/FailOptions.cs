using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu fail.</summary>
[Verb("fail", HelpText = "Mark a member faulty; a hot spare takes over if there is one.")]
public sealed class FailOptions : DiskOptions
{
}
