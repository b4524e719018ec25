using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu examine.</summary>
[Verb("examine", HelpText = "Show one member file's md superblock, like mdadm --examine.")]
public sealed class ExamineOptions
{
    /// <summary>The member file.</summary>
    [Value(0, MetaName = "FILE", Required = true, HelpText = "A member file.")]
    public string File { get; set; } = "";

    /// <summary>Print JSON.</summary>
    [Option("json", HelpText = "Print one JSON document.")]
    public bool Json { get; set; }
}
