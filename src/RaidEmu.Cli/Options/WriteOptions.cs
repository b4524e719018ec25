using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu write.</summary>
[Verb("write", HelpText = "Copy a file into the array's logical volume.")]
public sealed class WriteOptions : ArrayOptions
{
    /// <summary>Source file.</summary>
    [Option("input", Required = true, HelpText = "File to copy in; - (or /dev/stdin) reads standard input to its end.")]
    public string Input { get; set; } = "";

    /// <summary>Where to write.</summary>
    [Option("offset", HelpText = "Byte offset in the volume (default 0; K/M/G allowed).")]
    public string? Offset { get; set; }

    /// <summary>How much.</summary>
    [Option("length", HelpText = "Copy at most this many bytes (K/M/G allowed); needed for a device with no end, such as /dev/zero.")]
    public string? Length { get; set; }
}
