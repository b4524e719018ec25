using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu add.</summary>
[Verb("add", HelpText = "Add a member: the replacement of an empty slot, else a hot spare.")]
public sealed class AddOptions : ArrayOptions
{
    /// <summary>An existing file to use.</summary>
    [Option("file", HelpText = "Use this file (moved into the folder as disk<N>.img) instead of a fresh one.")]
    public string? File { get; set; }

    /// <summary>Overwrite another array's member.</summary>
    [Option("force", HelpText = "With --file: use the file even though it carries the md superblock of another array (that array loses the member).")]
    public bool Force { get; set; }
}
