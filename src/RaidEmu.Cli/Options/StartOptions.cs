using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu start.</summary>
[Verb("start", HelpText = "Assemble the array under md's rules and report; --force starts a dirty, degraded RAID 5.")]
public sealed class StartOptions : ArrayOptions
{
    /// <summary>Accept the write hole.</summary>
    [Option("force", HelpText = "Start a dirty and degraded RAID 5 anyway, accepting that stripes written at the crash may be wrong.")]
    public bool Force { get; set; }
}
