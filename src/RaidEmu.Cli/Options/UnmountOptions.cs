using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu unmount.</summary>
[Verb("unmount", HelpText = "Stop the process serving a FUSE mount: flush, mark the array clean, unmount.")]
public sealed class UnmountOptions
{
    /// <summary>The mount point.</summary>
    [Value(0, MetaName = "MOUNTPOINT", Required = true, HelpText = "Where the array is mounted.")]
    public string MountPoint { get; set; } = "";
}
