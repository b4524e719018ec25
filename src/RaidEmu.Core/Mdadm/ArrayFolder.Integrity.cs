using RaidEmu.Core.Devices;
using RaidEmu.Core.Integrity;
using RaidEmu.Core.Md;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Mdadm;

/// <summary>Checksummed members: each member device goes under an <see cref="IntegrityDevice"/> with its sidecar.</summary>
public static partial class ArrayFolder
{
    /// <summary>A new member file's sidecar: every tag is the zero block's, as the file is zero.</summary>
    private static IBlockDevice NewIntegrity(IntegrityAlgorithm algorithm, IBlockDevice device, string path, long dataOffset, bool tagFromData = false, Guid memberUuid = default) =>
        algorithm == IntegrityAlgorithm.None
            ? device
            : IntegrityDevice.Create(device, IntegrityFiles.SidecarPath(path), algorithm, dataOffset, memberUuid, tagFromData);

    /// <summary>An existing member's sidecar, checked against the member's superblock when that can be read.</summary>
    private static IBlockDevice OpenIntegrity(IntegrityAlgorithm algorithm, IBlockDevice device, IBlockDevice raw, string path, bool inspect)
    {
        if (algorithm == IntegrityAlgorithm.None)
        {
            return device;
        }

        Guid? uuid = null;
        try
        {
            uuid = Superblock.Read(raw, path).DeviceUuid;
        }
        catch (MetadataException)
        {
            // Assembly reports a member without a valid superblock; its sidecar cannot be matched to it.
        }

        return IntegrityDevice.Open(device, IntegrityFiles.SidecarPath(path), algorithm, uuid, readOnly: inspect);
    }

    /// <summary>Gives each new member's sidecar its UUID, chosen after the device was made.</summary>
    private static void BindIntegrity(IEnumerable<Member> members)
    {
        foreach (var member in members)
        {
            (member.Device as IntegrityDevice)?.Bind(member.DeviceUuid);
        }
    }

    /// <summary>
    /// A file brought into the array: its own sidecar comes with it when it has one (a former member), else
    /// one is made from what the file holds, so the blocks recovery does not rewrite still verify.
    /// </summary>
    private static IBlockDevice AdoptIntegrity(string folder, IBlockDevice device, string path, string from, Guid? formerUuid, long dataOffset)
    {
        var algorithm = IntegrityFolder.Load(folder);
        if (algorithm == IntegrityAlgorithm.None)
        {
            return device;
        }

        string sidecar = IntegrityFiles.SidecarPath(path);
        string comes = IntegrityFiles.SidecarPath(from);
        if (File.Exists(comes))
        {
            if (comes != sidecar)
            {
                File.Move(comes, sidecar);
            }

            return IntegrityDevice.Open(device, sidecar, algorithm, formerUuid);
        }

        File.Delete(sidecar);
        return NewIntegrity(algorithm, device, path, dataOffset, tagFromData: true, formerUuid ?? default);
    }

    /// <summary>A removed member's sidecar follows its file, so a later re-add finds it.</summary>
    private static void MoveIntegrity(string path, string to)
    {
        string sidecar = IntegrityFiles.SidecarPath(path);
        if (File.Exists(sidecar))
        {
            File.Move(sidecar, IntegrityFiles.SidecarPath(to), overwrite: true);
        }
    }

    /// <summary>Deletes the sidecars and note a failed create made.</summary>
    private static void DeleteIntegrity(string folder, IEnumerable<string> members)
    {
        foreach (string member in members)
        {
            File.Delete(IntegrityFiles.SidecarPath(member));
        }

        File.Delete(IntegrityFolder.NotePath(folder));
    }
}
