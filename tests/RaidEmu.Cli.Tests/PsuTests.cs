using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests;

[TestClass]
public sealed class PsuTests
{
    [TestMethod]
    public void NewArray_HasTwo800WSuppliesSharing()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("p");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        var status = JsonDocument.Parse(Cli.Run("psu", "status", array, "--json").Ok().Out).RootElement;
        Assert.AreEqual("sharing", status.GetProperty("mode").GetString());
        Assert.AreEqual("Good", status.GetProperty("rail").GetString());
        Assert.AreEqual("FullyRedundant", status.GetProperty("groupStatus").GetString());
        Assert.AreEqual(1600, status.GetProperty("capacityWatts").GetDouble());
        var supplies = status.GetProperty("supplies").EnumerateArray().ToList();
        Assert.AreEqual(2, supplies.Count);
        foreach (string key in new[] { "id", "state", "health", "input", "outputWatts", "capacityWatts" })
        {
            Assert.IsTrue(supplies[0].TryGetProperty(key, out _), key);
        }

        Assert.AreEqual(status.GetProperty("loadWatts").GetDouble() / 2, supplies[1].GetProperty("outputWatts").GetDouble(), 0.1);
    }

    [TestMethod]
    public void SharingPull_KeepsPower_AndLogsRedfishAndIpmiEvents()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("pull");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "2M", "--chunk", "64K", "--assume-clean").Ok();
        Cli.Run("psu", "setup", array, "--mode", "sharing", "--supplies", "2", "--capacity", "800", "--base-load", "600").Ok();
        StringAssert.Contains(Cli.Run("psu", "pull", array, "--supply", "A").Ok().Out, "rail Good, group NonRedundantSufficient");
        var events = JsonDocument.Parse(Cli.Run("events", array, "--json").Ok().Out).RootElement.EnumerateArray().ToList();
        var removed = events.Single(e => e.GetProperty("type").GetString() == "PowerSupplyRemoved");
        Assert.AreEqual("Power.1.2.PowerSupplyRemoved", removed.GetProperty("redfish").GetString());
        Assert.AreEqual("A", removed.GetProperty("supply").GetString());
        var warning = events.Single(e => e.GetProperty("type").GetString() == "PowerSupplyGroupWarning");
        Assert.AreEqual("0Bh/01+03", warning.GetProperty("ipmi").GetString());
        Assert.AreEqual("optimal", StoryTests.Status(array).GetProperty("state").GetString());
    }

    [TestMethod]
    public void Sparing_PowerLostUntilPromote_ArrayRefusesIoMeanwhile()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("spare");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        Cli.Run("psu", "setup", array, "--mode", "sparing", "--supplies", "2", "--capacity", "800").Ok();
        StringAssert.Contains(Cli.Run("psu", "fail", array, "--supply", "A").Ok().Out, "ChassisPoweredOff");
        Assert.AreEqual("Off", StoryTests.Status(array).GetProperty("power").GetString());
        Cli.Run("read", array, "--output", tmp.Combine("x")).Fails(1, "has no power");
        StringAssert.Contains(Cli.Run("psu", "promote", array, "--supply", "B").Ok().Out, "ChassisPoweredOn");
        Cli.Run("read", array, "--output", tmp.Combine("x")).Ok();
    }

    [TestMethod]
    public void PerSupplyHoldup_FromTheCommandLine_RidesThroughADropout()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("holdup");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        Cli.Run("psu", "setup", array, "--mode", "sharing", "--supplies", "2", "--capacity", "800", "--holdup-ms", "12,A=40").Ok();
        string output = Cli.Run("psu", "outage", array, "--ms", "25").Ok().Out;
        Assert.IsFalse(output.Contains("ChassisPoweredOff", StringComparison.Ordinal), output);
        Cli.Run("psu", "setup", array, "--mode", "sharing", "--supplies", "2", "--capacity", "800").Ok();
        StringAssert.Contains(Cli.Run("psu", "outage", array, "--ms", "25").Ok().Out, "ChassisPoweredOff");
    }

    [TestMethod]
    public void BadPsuInput_IsRefused()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("bad");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        Cli.Run("psu", "explode", array).Fails(2, "unknown psu action 'explode'");
        Cli.Run("psu", "fail", array).Fails(2, "needs --supply");
        Cli.Run("psu", "fail", array, "--supply", "Q").Fails(2, "there is no supply Q");
        Cli.Run("psu", "setup", array, "--mode", "quantum").Fails(2, "unknown --mode");
        Cli.Run("psu", "setup", array, "--supplies", "2", "--min-needed", "3").Fails(2, "--min-needed must be 1 to 2");
        Cli.Run("psu", "outage", array).Fails(2, "needs --ms");
        Cli.Run("psu", "setup", array, "--holdup-ms", "12,AB=3").Fails(2, "is not MS or MS,ID=MS");
        Cli.Run("psu", "setup", array, "--capping", "maybe").Fails(2, "--capping takes on or off");
        Cli.Run("psu", "plug", array, "--supply", "A").Fails(1, "input already normal");
    }
}
