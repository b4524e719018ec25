using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>Options of every verb that works on an array folder.</summary>
public abstract class ArrayOptions
{
    /// <summary>The array folder.</summary>
    [Value(0, MetaName = "ARRAY", Required = true, HelpText = "The array's folder.")]
    public string Array { get; set; } = "";
}
