using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu remove.</summary>
[Verb("remove", HelpText = "Remove a faulty or spare member (its file is renamed disk<N>.img.removed).")]
public sealed class RemoveOptions : DiskOptions
{
}
