using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu demo.</summary>
[Verb("demo", HelpText = "A guided story: create a RAID 5, write, fail a disk, read degraded, rebuild, check.")]
public sealed class DemoOptions
{
    /// <summary>Where to build the demo array.</summary>
    [Option("dir", HelpText = "Folder for the demo array (default: a new temporary folder, removed afterwards).")]
    public string? Dir { get; set; }
}
