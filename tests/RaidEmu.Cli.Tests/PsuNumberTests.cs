using System.Diagnostics;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests;

/// <summary>Every number given to psu is checked (finite, within its unit's limits) before anything changes.</summary>
[TestClass]
public sealed class PsuNumberTests
{
    [TestMethod]
    [DataRow("outage", "--ms", "99999999999999999999", "--ms must be more than 0 and at most 600000 ms (10 minutes)")]
    [DataRow("outage", "--ms", "NaN", "--ms must be more than 0 and at most 600000 ms (10 minutes)")]
    [DataRow("outage", "--ms", "Infinity", "--ms must be more than 0 and at most 600000 ms (10 minutes)")]
    [DataRow("load", "--watts", "NaN", "--watts must be 0 to 1000000 W")]
    [DataRow("load", "--watts", "1e308", "--watts must be 0 to 1000000 W")]
    [DataRow("insert", "--capacity", "NaN", "--capacity must be more than 0 and at most 1000000 W")]
    [DataRow("setup", "--capacity", "1e308", "--capacity must be more than 0 and at most 1000000 W")]
    [DataRow("setup", "--base-load", "NaN", "--base-load must be 0 to 1000000 W")]
    [DataRow("setup", "--holdup-ms", "12,B=NaN", "--holdup-ms must be 0 to 600000 ms (10 minutes)")]
    [DataRow("setup", "--wake-ms", "Infinity", "--wake-ms must be 0 to 600000 ms (10 minutes)")]
    [DataRow("setup", "--correction-ms", "NaN", "--correction-ms must be 0 to 600000 ms (10 minutes)")]
    public void ABadNumber_ExitsWith2AndOneLine_AndChangesNothing(string action, string option, string value, string expected)
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("n");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        Cli.Run("psu", "setup", array, "--base-load", "600").Ok();
        Cli.Run("psu", "pull", array, "--supply", "B").Ok();
        var before = State(array);

        Cli.Run("psu", action, array, option, value, "--supply", "B").Fails(2, expected);

        var after = State(array);
        Assert.AreEqual(before.Power, after.Power, "power.json changed");
        Assert.AreEqual(before.Events, after.Events, "events were logged");
        Assert.AreEqual(before.Status, after.Status, "the power status changed");
    }

    [TestMethod]
    public void AnOutageTooLongToWaitFor_IsRefusedAtOnce()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("long");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        var before = State(array);
        var clock = Stopwatch.StartNew();
        Cli.Run("psu", "outage", array, "--ms", "1e9").Fails(2, "--ms must be more than 0 and at most 600000 ms (10 minutes)");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.AreEqual(before, State(array));
    }

    private static (string Power, string Events, string Status) State(string array)
    {
        string power = Path.Combine(array, "power.json");
        string events = Path.Combine(array, "events.jsonl");
        return (File.Exists(power) ? File.ReadAllText(power) : "", File.ReadAllText(events), Cli.Run("psu", "status", array, "--json").Ok().Out);
    }
}
