using RaidEmu.Core.Devices;
using RaidEmu.Live.Fuse;

namespace RaidEmu.Live.Hosting;

/// <summary>The array as MOUNTPOINT/NAME.img through FUSE.</summary>
public sealed class FuseFrontend(FuseMount mount) : IFrontend
{
    /// <summary>fsname prefix in /proc/mounts; the rest is the array folder, which is how unmount finds the server.</summary>
    public const string FsNamePrefix = "raidemu:";

    /// <inheritdoc/>
    public string Ready => $"as {mount.ImagePath} (FUSE)";

    /// <summary>
    /// Mounts the image of <paramref name="folder"/>'s array on <paramref name="mountPoint"/>. The kernel
    /// caches the image's pages; a live volume's changes behind the mount (power loss, restart, commands)
    /// drop them. Before a command, the mount writes the bytes it holds back.
    /// </summary>
    public static FuseFrontend Start(IBlockDevice volume, string name, string folder, string mountPoint, bool readOnly)
    {
        var mount = FuseMount.Mount(volume, mountPoint, $"{name}.img", FsNamePrefix + Path.GetFullPath(folder), readOnly);
        if (volume is LiveVolume live)
        {
            live.Changed += () =>
            {
                try
                {
                    mount.InvalidateCache();
                }
                catch (IOException ex)
                {
                    // Raised inside a power loss or a command, which must finish whatever this met.
                    Console.Error.WriteLine($"raidemu: {ex.Message}");
                }
            };
            // Bytes that cannot be written now are reported to their writers' next fsync or close.
            live.CommandStarting += mount.Gather.Drain;
        }

        return new(mount);
    }

    /// <inheritdoc/>
    public bool TryStop(out string problem) => mount.TryUnmount(out problem);
}
