using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>Verbs that name one member disk.</summary>
public abstract class DiskOptions : ArrayOptions
{
    /// <summary>The member's device number.</summary>
    [Option("disk", Required = true, HelpText = "The member's number N (its file is disk<N>.img).")]
    public int Disk { get; set; }
}
