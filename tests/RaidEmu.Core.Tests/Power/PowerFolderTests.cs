using RaidEmu.Core.Power;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Power;

/// <summary>The rail state every offline verb checks is read without the whole snapshot, and agrees with it.</summary>
[TestClass]
public sealed class PowerFolderTests
{
    [TestMethod]
    public void ReadRail_AgreesWithTheWholeSnapshot_AndFailsAsItDoes()
    {
        using var tmp = new TempFolder();
        string folder = tmp.Combine("arr");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, PowerFolder.FileName);
        Assert.IsNull(PowerFolder.ReadRail(folder), "no power.json: nothing saved");

        foreach (string rail in new[] { "\"Good\"", "\"Off\"", "\"off\"", "1" })
        {
            File.WriteAllText(path, $$"""{ "config": {}, "supplies": [], "rail": {{rail}} }""");
            Assert.AreEqual(PowerFolder.Read(folder)!.Rail, PowerFolder.ReadRail(folder), rail);
        }

        File.WriteAllText(path, "{ \"rail\": \"Off\"");
        var truncated = Assert.ThrowsExactly<IOException>(() => PowerFolder.ReadRail(folder));
        StringAssert.Contains(truncated.Message, "not a valid power configuration");

        File.WriteAllText(path, "{ \"rail\": \"Sideways\" }");
        Assert.ThrowsExactly<IOException>(() => PowerFolder.ReadRail(folder));
    }
}
