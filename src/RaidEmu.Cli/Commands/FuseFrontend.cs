using RaidEmu.Core.Devices;
using RaidEmu.Live.Fuse;

namespace RaidEmu.Cli.Commands;

/// <summary>The array as MOUNTPOINT/NAME.img through FUSE.</summary>
internal sealed class FuseFrontend(FuseMount mount) : IFrontend
{
    /// <summary>fsname prefix in /proc/mounts; the rest is the array folder, which is how unmount finds the server.</summary>
    public const string FsNamePrefix = "raidemu:";

    public string Ready => $"as {mount.ImagePath} (FUSE)";

    public static FuseFrontend Start(IBlockDevice volume, string name, string folder, string mountPoint, bool readOnly) =>
        new(FuseMount.Mount(volume, mountPoint, $"{name}.img", FsNamePrefix + Path.GetFullPath(folder), readOnly));

    public bool TryStop(out string problem) => mount.TryUnmount(out problem);
}
