using RaidEmu.Core.Scenarios;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Scenarios;

/// <summary>The runner itself: reproducibility, and that a failed expectation fails the run.</summary>
[TestClass]
public sealed class ScenarioRunTests
{
    [TestMethod]
    public void SameSeedGivesTheSameEventsInTheSameOrder()
    {
        var scenario = ScenarioParser.Parse(File.ReadAllText(ShippedScenarios.PathOf("double-failure")));
        using var tmp = new TempFolder();
        var first = ScenarioRunner.Run(scenario, tmp.Combine("a"));
        var second = ScenarioRunner.Run(scenario, tmp.Combine("b"));
        CollectionAssert.AreEqual(first.Timeline.Select(e => e.Key).ToList(), second.Timeline.Select(e => e.Key).ToList());
        Assert.IsTrue(first.Timeline.Count >= 8, "the run logged its events");
        Assert.AreEqual(first.BytesLost, second.BytesLost);
        Assert.AreEqual(first.FailedWrites, second.FailedWrites);
    }

    [TestMethod]
    public void RandomWorkloadWithInterleavedRebuildIsReproducible()
    {
        const string json = """
            {
              "name": "repro", "seed": 99,
              "array": { "level": 5, "disks": 3, "spares": 1, "size": "4M", "chunk": "16K" },
              "workload": { "pattern": "random", "bytes": "2M", "block": "16K", "ops": 200, "readBack": true },
              "actions": [
                { "atOp": 30, "do": "fail", "disk": 0 },
                { "atOp": 30, "do": "rebuild", "unitsPerOp": 3 },
                { "atOp": 150, "do": "restart" },
                { "atOp": 200, "do": "check" }
              ],
              "expect": { "state": "optimal", "scrubs": [0], "events": ["MemberFailed@0", "SpareActivated@3", "RecoveryCompleted@3", "ArrayOptimal"] }
            }
            """;
        var scenario = ScenarioParser.Parse(json);
        using var tmp = new TempFolder();
        var first = ScenarioRunner.Run(scenario, tmp.Combine("a"));
        var second = ScenarioRunner.Run(scenario, tmp.Combine("b"));
        Assert.IsTrue(first.Passed, string.Join("; ", first.Failures));
        CollectionAssert.AreEqual(first.Timeline.Select(e => e.Key).ToList(), second.Timeline.Select(e => e.Key).ToList());

        // The rebuild finished part-way through the workload, at the same write both times, and every byte survived.
        var done = first.Timeline.Single(e => e.Type == "RecoveryCompleted");
        Assert.IsTrue(done.Op > 30 && done.Op < 200, $"recovery completed at write {done.Op}");
        Assert.AreEqual(0, first.BytesLost);
        Assert.AreEqual(0, first.BytesWrong);
        Assert.AreEqual(0, first.ReadBackProblems);
        Assert.AreEqual(first.BytesWritten, first.BytesVerified);
    }

    [TestMethod]
    public void PowerCutLosesNoFlushedWrite()
    {
        const string json = """
            {
              "name": "cut", "seed": 4,
              "array": { "level": 5, "disks": 3, "size": "4M", "chunk": "16K" },
              "workload": { "pattern": "random", "bytes": "2M", "block": "16K", "ops": 120 },
              "actions": [ { "atOp": 60, "do": "power-cut" }, { "atOp": 60, "do": "rebuild" } ],
              "expect": { "state": "optimal", "events": ["ResyncStarted", "ResyncCompleted"] }
            }
            """;
        using var tmp = new TempFolder();
        var report = ScenarioRunner.Run(ScenarioParser.Parse(json), tmp.Combine("a"));
        Assert.IsTrue(report.Passed, string.Join("; ", report.Failures));
        Assert.IsTrue(report.BytesWritten > 0);
        Assert.AreEqual(report.BytesWritten, report.BytesVerified);
    }

    [TestMethod]
    public void FailedExpectationExitsOneWithOneLine()
    {
        using var tmp = new TempFolder();
        string file = tmp.Combine("s.json");
        File.WriteAllText(file, """
            {
              "name": "wrong-hope",
              "array": { "level": 5, "disks": 3, "size": "4M" },
              "workload": { "bytes": "1M", "block": "64K" },
              "actions": [ { "atPercent": 50, "do": "fail", "disk": 1 } ],
              "expect": { "state": "optimal" }
            }
            """);
        var result = Cli.Run("scenario", "run", file).Fails(1, "scenario 'wrong-hope': expectation failed: the array ended degraded, expected optimal");
        StringAssert.Contains(result.Out, "MemberFailed disk 1");
    }

    [TestMethod]
    public void RefusedActionExitsOneNamingIt()
    {
        using var tmp = new TempFolder();
        string file = tmp.Combine("s.json");
        File.WriteAllText(file, """
            {
              "name": "bad-readd",
              "array": { "level": 5, "disks": 3, "size": "4M" },
              "workload": { "bytes": "1M", "block": "64K" },
              "actions": [ { "atOp": 3, "do": "re-add", "disk": 1 } ]
            }
            """);
        Cli.Run("scenario", "run", file).Fails(1, "scenario 'bad-readd': re-add before write 3 was refused: disk 1 is InSync, not faulty");
    }
}
