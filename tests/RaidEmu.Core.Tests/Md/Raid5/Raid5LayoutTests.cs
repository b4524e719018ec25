using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid5;

namespace RaidEmu.Core.Tests.Md.Raid5;

[TestClass]
public sealed class Raid5LayoutTests
{
    [TestMethod]
    public void LeftSymmetric_FourDisks_MatchesMdTable()
    {
        // md's left-symmetric placement, 4 disks, stripes 0-3: D0 D1 D2 P / D4 D5 P D3 / D8 P D6 D7 / P D9 D10 D11
        string[] expected = ["D0 D1 D2 P", "D4 D5 P D3", "D8 P D6 D7", "P D9 D10 D11"];
        for (int stripe = 0; stripe < 4; stripe++)
        {
            Assert.AreEqual(expected[stripe], Row(Raid5Algorithm.LeftSymmetric, stripe, 4));
        }
    }

    [TestMethod]
    public void Asymmetric_And_Right_Layouts_MatchMd()
    {
        Assert.AreEqual("D3 D4 P D5", Row(Raid5Algorithm.LeftAsymmetric, 1, 4));
        Assert.AreEqual("D3 P D4 D5", Row(Raid5Algorithm.RightAsymmetric, 1, 4));
        Assert.AreEqual("D5 P D3 D4", Row(Raid5Algorithm.RightSymmetric, 1, 4));
        Assert.AreEqual("D0 D1 D2 P", Row(Raid5Algorithm.LeftAsymmetric, 0, 4));
        Assert.AreEqual("P D0 D1 D2", Row(Raid5Algorithm.RightSymmetric, 0, 4));
    }

    [TestMethod]
    public void Map_And_DataIndexOf_AreInverse_ForEveryLayout()
    {
        foreach (var algorithm in Enum.GetValues<Raid5Algorithm>())
        {
            for (int members = 3; members <= 7; members++)
            {
                for (long stripe = 0; stripe < 2 * members; stripe++)
                {
                    var seen = new HashSet<int>();
                    for (int k = 0; k < members - 1; k++)
                    {
                        int member = Raid5Layout.DataMember(algorithm, stripe, k, members);
                        Assert.AreNotEqual(Raid5Layout.ParityMember(algorithm, stripe, members), member);
                        Assert.AreEqual(k, Raid5Layout.DataIndexOf(algorithm, stripe, member, members));
                        Assert.IsTrue(seen.Add(member));
                    }
                }
            }
        }
    }

    [TestMethod]
    public void Map_PlacesOffsetsInsideTheirChunk()
    {
        var loc = Raid5Layout.Map(Raid5Algorithm.LeftSymmetric, 4, 65536, (5 * 65536) + 123);
        Assert.AreEqual(new ChunkLocation(1, 2, 1, 2, 65536 + 123), loc);
    }

    [TestMethod]
    public void Names_RoundTrip()
    {
        foreach (var algorithm in Enum.GetValues<Raid5Algorithm>())
        {
            Assert.IsTrue(Raid5Layout.TryParse(Raid5Layout.Name(algorithm), out var parsed));
            Assert.AreEqual(algorithm, parsed);
        }

        Assert.IsFalse(Raid5Layout.TryParse("diagonal", out _));
    }

    private static string Row(Raid5Algorithm algorithm, long stripe, int members)
    {
        var cells = new string[members];
        int parity = Raid5Layout.ParityMember(algorithm, stripe, members);
        cells[parity] = "P";
        for (int k = 0; k < members - 1; k++)
        {
            cells[Raid5Layout.DataMember(algorithm, stripe, k, members)] = $"D{(stripe * (members - 1)) + k}";
        }

        return string.Join(' ', cells);
    }
}
