using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu read.</summary>
[Verb("read", HelpText = "Copy the array's logical volume, or a range of it, to a file.")]
public sealed class ReadOptions : ArrayOptions
{
    /// <summary>Destination file.</summary>
    [Option("output", Required = true, HelpText = "File to write (\"-\": standard output).")]
    public string Output { get; set; } = "";

    /// <summary>Where to start.</summary>
    [Option("offset", HelpText = "Byte offset in the volume (default 0; K/M/G allowed).")]
    public string? Offset { get; set; }

    /// <summary>How much.</summary>
    [Option("length", HelpText = "Bytes to read (default: to the end).")]
    public string? Length { get; set; }
}
