using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Metadata;

[TestClass]
public sealed class MdadmExamineTests
{
    [TestMethod]
    [DataRow(Raid5Algorithm.LeftSymmetric, "left-symmetric")]
    [DataRow(Raid5Algorithm.LeftAsymmetric, "left-asymmetric")]
    [DataRow(Raid5Algorithm.RightSymmetric, "right-symmetric")]
    [DataRow(Raid5Algorithm.RightAsymmetric, "right-asymmetric")]
    public void Raid5Members_AreRecognisedByMdadm(Raid5Algorithm algorithm, string name)
    {
        Mdadm.RequireInstalled();
        using var folder = new TempFolder();
        string dir = folder.Combine("r5");
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 4, ChunkBytes = 64 * 1024, Algorithm = algorithm, Name = "r5" };
        using var array = ArrayFolder.Create(dir, options, 4 * 1024 * 1024, spares: 1);
        array.RunSync();

        for (int dev = 0; dev < 5; dev++)
        {
            string output = Mdadm.Examine(ArrayFolder.MemberPath(dir, dev));
            StringAssert.EndsWith(Mdadm.Field(output, "Checksum"), "correct");
            Assert.AreEqual("raid5", Mdadm.Field(output, "Raid Level"));
            Assert.AreEqual(name, Mdadm.Field(output, "Layout"));
            Assert.AreEqual("64K", Mdadm.Field(output, "Chunk Size"));
            Assert.AreEqual("4", Mdadm.Field(output, "Raid Devices"));
            Assert.AreEqual(array.EventCount.ToString(System.Globalization.CultureInfo.InvariantCulture), Mdadm.Field(output, "Events"));
            Assert.AreEqual(dev < 4 ? $"Active device {dev}" : "spare", Mdadm.Field(output, "Device Role"));
            StringAssert.StartsWith(Mdadm.Field(output, "Array State"), "AAAA");
            Assert.AreEqual("clean", Mdadm.Field(output, "State"));
        }
    }

    [TestMethod]
    public void AfterFailAndAdd_MdadmSeesRolesEventsAndRecovery()
    {
        Mdadm.RequireInstalled();
        using var folder = new TempFolder();
        string dir = folder.Combine("r1");
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid1, RaidDisks = 3, Name = "mirror" };
        using var array = ArrayFolder.Create(dir, options, 3 * 1024 * 1024, spares: 0);
        array.RunSync();
        array.Write(0, new byte[8192]);
        array.Fail(1);

        string survivor = Mdadm.Examine(ArrayFolder.MemberPath(dir, 0));
        Assert.AreEqual("raid1", Mdadm.Field(survivor, "Raid Level"));
        StringAssert.StartsWith(Mdadm.Field(survivor, "Array State"), "A.A");
        Assert.AreEqual(array.EventCount.ToString(System.Globalization.CultureInfo.InvariantCulture), Mdadm.Field(survivor, "Events"));
        Assert.AreEqual("active", Mdadm.Field(survivor, "State"), "a written array is dirty until it stops");

        // The failed member's superblock is left as it was, behind the others, as md leaves it.
        string failed = Mdadm.Examine(ArrayFolder.MemberPath(dir, 1));
        Assert.IsTrue(ulong.Parse(Mdadm.Field(failed, "Events"), System.Globalization.CultureInfo.InvariantCulture) < array.EventCount);

        ArrayFolder.RemoveMember(array, 1);
        var added = ArrayFolder.AddMember(dir, array);
        string rebuilding = Mdadm.Examine(added.Path!);
        StringAssert.EndsWith(Mdadm.Field(rebuilding, "Checksum"), "correct");
        Assert.AreEqual("Active device 1", Mdadm.Field(rebuilding, "Device Role"));
        Assert.AreEqual("0 sectors", Mdadm.Field(rebuilding, "Recovery Offset"));
    }
}
