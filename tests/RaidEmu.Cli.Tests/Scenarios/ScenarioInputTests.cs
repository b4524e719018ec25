using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Scenarios;

/// <summary>A scenario file that cannot run as written gets one line naming the problem and exit 2, before any array exists.</summary>
[TestClass]
public sealed class ScenarioInputTests
{
    private const string Valid = """
        { "name": "t", "array": { "level": 5, "disks": 3, "size": "4M" }, "workload": { "bytes": "1M" }, "actions": [ %ACTION% ] }
        """;

    [TestMethod]
    public void BadJson() => RunText("{ \"name\": ").Fails(2, "not valid JSON");

    [TestMethod]
    public void UnknownAction() => Run("""{ "atPercent": 10, "do": "explode" }""").Fails(2, "unknown action 'explode'");

    [TestMethod]
    public void UnknownFaultKind() => Run("""{ "atPercent": 10, "do": "fault", "disk": 0, "kind": "gremlins" }""").Fails(2, "unknown fault kind 'gremlins'");

    [TestMethod]
    public void UnknownProperty() => Run("""{ "atPercent": 10, "do": "fail", "disk": 0, "disks": 1 }""").Fails(2, "unknown property \"disks\"");

    [TestMethod]
    public void PointOutsideTheWorkload() => Run("""{ "atPercent": 120, "do": "check" }""").Fails(2, "within the workload");

    [TestMethod]
    public void RateOutOfRange() => Run("""{ "atPercent": 10, "do": "fault", "disk": 0, "kind": "flaky", "rate": 2 }""").Fails(2, "rate 2: use 0 to 1");

    [TestMethod]
    public void WrongBytesNeedAReason() =>
        RunText("""{ "name": "t", "array": { "size": "4M" }, "workload": { "bytes": "1M" }, "expect": { "wrongBytes": 5 } }""").Fails(2, "needs \"wrongBecause\"");

    [TestMethod]
    public void UnknownScenarioAction() => Cli.Run("scenario", "walk", "x.json").Fails(2, "unknown scenario action 'walk'");

    [TestMethod]
    public void MissingFile() => Cli.Run("scenario", "run", "/nonexistent/s.json").Fails(2, "does not exist");

    private static Cli.Result Run(string action) => RunText(Valid.Replace("%ACTION%", action, StringComparison.Ordinal));

    private static Cli.Result RunText(string json)
    {
        using var tmp = new TempFolder();
        string file = tmp.Combine("s.json");
        File.WriteAllText(file, json);
        var result = Cli.Run("scenario", "run", file, "--dir", tmp.Combine("array"));
        Assert.IsFalse(Directory.Exists(tmp.Combine("array")), "a refused scenario must not create its array");
        return result;
    }
}
