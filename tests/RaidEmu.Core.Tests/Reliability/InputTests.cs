using RaidEmu.Core.Reliability;

namespace RaidEmu.Core.Tests.Reliability;

/// <summary>Units and the inputs the models refuse.</summary>
[TestClass]
public sealed class InputTests
{
    [TestMethod]
    public void Durations_TakeHoursDaysAndYears()
    {
        Assert.AreEqual(36, ReliabilityUnits.ParseHours("36", "t"));
        Assert.AreEqual(36, ReliabilityUnits.ParseHours("36h", "t"));
        Assert.AreEqual(48, ReliabilityUnits.ParseHours("2d", "t"));
        Assert.AreEqual(43_800, ReliabilityUnits.ParseHours("5y", "t"));
        Assert.AreEqual(1.2e6, ReliabilityUnits.ParseHours("1.2e6", "t"));
    }

    [TestMethod]
    public void Sizes_TbIsDecimal_TibAndTAreBinary()
    {
        Assert.AreEqual(4e12, ReliabilityUnits.ParseBytes("4TB", "c"));
        Assert.AreEqual(4.0 * (1L << 40), ReliabilityUnits.ParseBytes("4TiB", "c"));
        Assert.AreEqual(4.0 * (1L << 40), ReliabilityUnits.ParseBytes("4T", "c"));
        Assert.AreEqual(500e9, ReliabilityUnits.ParseBytes("500GB", "c"));
        Assert.AreEqual(1024, ReliabilityUnits.ParseBytes("1K", "c"));
        Assert.AreEqual(4096, ReliabilityUnits.ParseBytes("4096", "c"));
    }

    [TestMethod]
    [DataRow("5w")]
    [DataRow("-3h")]
    [DataRow("0")]
    [DataRow("y")]
    public void BadDurations_AreRefused_WithoutNamingAFlag(string text)
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => ReliabilityUnits.ParseHours(text, "mission time"));
        StringAssert.Contains(e.Message, "mission time");
        Assert.IsFalse(e.Message.Contains("--", StringComparison.Ordinal));
    }

    [TestMethod]
    public void BadModels_AreRefused()
    {
        var life = Lifetime.Exponential(1e-6);
        Assert.ThrowsExactly<ArgumentException>(() => ReliabilityUnits.ParseBytes("4XB", "capacity"));
        Assert.ThrowsExactly<ArgumentException>(() => Lifetime.Exponential(0));
        Assert.ThrowsExactly<ArgumentException>(() => Lifetime.Exponential(-1e-6));
        Assert.ThrowsExactly<ArgumentException>(() => ReliabilityUnits.RateFromAfr(0));
        Assert.ThrowsExactly<ArgumentException>(() => ReliabilityUnits.RateFromAfr(1));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new DiskArrayModel(6, 3, life, 24)).Message, "at least 4 disks");
        Assert.ThrowsExactly<ArgumentException>(() => new DiskArrayModel(5, 2, life, 24));
        Assert.ThrowsExactly<ArgumentException>(() => new DiskArrayModel(10, 5, life, 24));
        Assert.ThrowsExactly<ArgumentException>(() => new DiskArrayModel(4, 5, life, 24));
        Assert.ThrowsExactly<ArgumentException>(() => new DiskArrayModel(5, 4, life, -2));
        Assert.ThrowsExactly<ArgumentException>(() => new DiskArrayModel(5, 4, life, 24, RebuildModel.Exponential, 0, 1e-14));
        Assert.ThrowsExactly<ArgumentException>(() => new SupplyGroupModel(SupplyRedundancy.Sharing, 2, 3, life, 24));
        Assert.ThrowsExactly<ArgumentException>(() => new SupplyGroupModel(SupplyRedundancy.Failover, 2, 1, life, 24, coverage: 1.5));
    }
}
