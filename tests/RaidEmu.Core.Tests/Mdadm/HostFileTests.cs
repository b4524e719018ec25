using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Metadata;
using RaidEmu.Core.Devices;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Mdadm;

/// <summary>Member files as host files: deleted while open (issue 14, item 3).</summary>
[TestClass]
public sealed class HostFileTests
{
    private static readonly ArrayCreateOptions s_options = new() { RaidDisks = 3, ChunkBytes = 64 * 1024, Name = "del", AssumeClean = true };

    [TestMethod]
    public void A_member_file_deleted_while_open_is_failed_at_flush()
    {
        using var tmp = new TempFolder();
        string folder = tmp.Combine("a");
        using var array = ArrayFolder.Create(folder, s_options, 4 * 1024 * 1024, spares: 0);
        array.Write(0, new byte[65536]);
        array.Flush();
        Assert.AreEqual(ArrayState.Optimal, array.State);

        File.Delete(ArrayFolder.MemberPath(folder, 1));
        array.Flush();
        Assert.AreEqual(MemberState.Faulty, array.Members.Single(m => m.DevNumber == 1).State);
        Assert.AreEqual(ArrayState.Degraded, array.State);
    }

    [TestMethod]
    public void A_member_file_deleted_while_open_is_failed_at_stop_and_the_others_record_it()
    {
        using var tmp = new TempFolder();
        string folder = tmp.Combine("a");
        var array = ArrayFolder.Create(folder, s_options, 4 * 1024 * 1024, spares: 0);
        array.Write(0, new byte[65536]);
        File.Delete(ArrayFolder.MemberPath(folder, 2));
        array.Dispose();

        using var device = FileBlockDevice.Open(ArrayFolder.MemberPath(folder, 0), readOnly: true);
        var superblock = Superblock.Read(device, "disk0.img");
        Assert.AreEqual(DeviceRole.Faulty, superblock.Roles[2], "disk 2 was failed before the clean mark");
        Assert.AreEqual(Superblock.Synced, superblock.ResyncOffset, "the rest stopped clean");
    }

    [TestMethod]
    public void Identity_is_by_inode_whatever_the_name()
    {
        using var tmp = new TempFolder();
        string file = tmp.Combine("f");
        File.WriteAllBytes(file, [1, 2, 3]);
        string link = tmp.Combine("l");
        File.CreateSymbolicLink(link, file);
        Assert.IsTrue(HostFile.Stat(file).IsSameFile(HostFile.Stat(link)));
        File.WriteAllBytes(tmp.Combine("g"), [1, 2, 3]);
        Assert.IsFalse(HostFile.Stat(file).IsSameFile(HostFile.Stat(tmp.Combine("g"))));
        Assert.AreEqual(HostFileKind.CharacterDevice, HostFile.Stat("/dev/zero").Kind);
    }
}
