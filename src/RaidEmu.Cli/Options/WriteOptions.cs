using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu write.</summary>
[Verb("write", HelpText = "Copy a file into the array's logical volume.")]
public sealed class WriteOptions : ArrayOptions
{
    /// <summary>Source file.</summary>
    [Option("input", Required = true, HelpText = "File to copy in.")]
    public string Input { get; set; } = "";

    /// <summary>Where to write.</summary>
    [Option("offset", HelpText = "Byte offset in the volume (default 0; K/M/G allowed).")]
    public string? Offset { get; set; }
}
