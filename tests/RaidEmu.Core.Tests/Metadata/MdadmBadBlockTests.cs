using System.Globalization;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Metadata;

/// <summary>Debian's mdadm reads the bad-block logs RaidEmu writes, and still accepts every member.</summary>
[TestClass]
public sealed class MdadmBadBlockTests
{
    [TestMethod]
    public void NewArray_EveryMemberHasAnEmptyLog_MdadmAgrees()
    {
        Mdadm.RequireInstalled();
        using var folder = new TempFolder();
        string dir = folder.Combine("new");
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 3, ChunkBytes = 64 * 1024, Name = "new" };
        ArrayFolder.Create(dir, options, 4 * 1024 * 1024, spares: 1).Dispose();

        for (int dev = 0; dev < 4; dev++)
        {
            string file = ArrayFolder.MemberPath(dir, dev);
            string output = Mdadm.Examine(file);
            StringAssert.EndsWith(Mdadm.Field(output, "Checksum"), "correct");
            Assert.AreEqual("512 entries available at offset 16 sectors", Mdadm.Field(output, "Bad Block Log"));
            StringAssert.Contains(Mdadm.ExamineBadBlocks(file), "Bad-blocks list is empty");
        }
    }

    [TestMethod]
    public void RecordedBadBlocks_AreListedByMdadm_Exactly()
    {
        Mdadm.RequireInstalled();
        using var folder = new TempFolder();
        string dir = folder.Combine("bb");
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid1, RaidDisks = 2, Name = "bb", Bitmap = true };
        using (var array = ArrayFolder.Create(dir, options, 4 * 1024 * 1024, spares: 0))
        {
            array.RunSync();
            var member = array.Members[1];
            member.BadBlocks.Add(16, 8);
            member.BadBlocks.Add(1000, 600);
            member.CountCorrectedReadError();
            array.Commit(EventTypes.BadBlockRecorded, member, "test");
        }

        string file = ArrayFolder.MemberPath(dir, 1);
        string examine = Mdadm.Examine(file);
        StringAssert.EndsWith(Mdadm.Field(examine, "Checksum"), "correct");
        StringAssert.EndsWith(Mdadm.Field(examine, "Bad Block Log"), "bad blocks present.");
        var listed = Mdadm.ExamineBadBlocks(file).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Contains(" for ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => (long.Parse(p[0], CultureInfo.InvariantCulture), long.Parse(p[2], CultureInfo.InvariantCulture)))
            .ToList();
        CollectionAssert.AreEqual(new List<(long, long)> { (16, 8), (1000, 512), (1512, 88) }, listed, "md's entries: at most 512 sectors each");

        string other = ArrayFolder.MemberPath(dir, 0);
        StringAssert.EndsWith(Mdadm.Field(Mdadm.Examine(other), "Checksum"), "correct");
        StringAssert.Contains(Mdadm.ExamineBadBlocks(other), "Bad-blocks list is empty");

        using var again = ArrayFolder.Open(dir);
        CollectionAssert.AreEqual(new[] { new BadBlock(16, 8), new BadBlock(1000, 600) }, again.Members[1].BadBlocks.Runs.ToArray());
        Assert.AreEqual(1, again.Members[1].CorrectedReadErrors);
    }
}
