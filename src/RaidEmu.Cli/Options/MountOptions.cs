using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu mount.</summary>
[Verb("mount", HelpText = "Serve the array as MOUNTPOINT/<name>.img through FUSE, and accept CLI commands while mounted.")]
public sealed class MountOptions : ArrayOptions
{
    /// <summary>Where to mount.</summary>
    [Value(1, MetaName = "MOUNTPOINT", Required = true, HelpText = "An existing, empty directory.")]
    public string MountPoint { get; set; } = "";

    /// <summary>Stay attached.</summary>
    [Option("foreground", HelpText = "Serve in this process until unmounted (default: serve in the background and return once mounted).")]
    public bool Foreground { get; set; }

    /// <summary>Refuse writes.</summary>
    [Option("read-only", HelpText = "Mount the image read-only.")]
    public bool ReadOnly { get; set; }
}
