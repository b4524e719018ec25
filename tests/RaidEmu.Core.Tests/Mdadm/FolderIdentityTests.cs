using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Mdadm;

/// <summary>The device number in the superblock is a member's identity, whatever its file is called.</summary>
[TestClass]
public sealed class FolderIdentityTests
{
    [TestMethod]
    public void FilesNamedOtherThanTheirDeviceNumber_AddAndFailStillWork()
    {
        using var tmp = new TempFolder();
        string dir = tmp.Combine("r5");
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 4, ChunkBytes = 64 * 1024, Name = "r5", AssumeClean = true };
        using (var array = ArrayFolder.Create(dir, options, 3 * 1024 * 1024, spares: 1))
        {
            // As mdadm --create leaves it: the fourth file holds device number 4.
            array.Fail(3);
            array.RunSync();
            ArrayFolder.RemoveMember(array, 3);
        }

        File.Delete(ArrayFolder.MemberPath(dir, 3) + ArrayFolder.RemovedSuffix);
        File.Move(ArrayFolder.MemberPath(dir, 4), ArrayFolder.MemberPath(dir, 3));

        using (var array = ArrayFolder.Open(dir))
        {
            Assert.AreEqual("disk3.img", Path.GetFileName(array.Members.Single(m => m.DevNumber == 4).Path));
            var added = ArrayFolder.AddMember(dir, array);
            Assert.AreEqual(3, added.DevNumber, "md gives the lowest unused device number");
            Assert.AreEqual(MemberState.Spare, added.State);
            Assert.AreNotEqual("disk3.img", Path.GetFileName(added.Path), "the existing file is left alone");

            var error = Assert.ThrowsExactly<ArgumentException>(() => array.Fail(7));
            StringAssert.Contains(error.Message, "4 = disk3.img");
            array.Fail(4);
        }

        using var again = ArrayFolder.Open(dir);
        Assert.AreEqual(MemberState.Faulty, again.Members.Single(m => m.DevNumber == 4).State);
        Assert.AreEqual(MemberState.Rebuilding, again.Members.Single(m => m.DevNumber == 3).State, "the added spare took the failed member's slot");
    }
}
