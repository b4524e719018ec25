namespace RaidEmu.Cli.Tests.Scenarios;

/// <summary>Every scenario under benchmarks/scenarios runs in CI, and its report is checked beyond its own expectations.</summary>
[TestClass]
public sealed class ShippedScenarioTests
{
    [TestMethod]
    public void DoubleFailure()
    {
        var report = ShippedScenarios.Run(ShippedScenarios.PathOf("double-failure"));
        Assert.AreEqual("failed", report.GetProperty("finalState").GetString());
        var events = ShippedScenarios.Events(report);
        int second = events.ToList().IndexOf(("MemberFailed", 2));
        Assert.IsTrue(second > events.ToList().IndexOf(("RecoveryStarted", 4)), "disk 2 failed during the rebuild");
        Assert.IsFalse(events.Contains(("RecoveryCompleted", 4)), "the rebuild never completed");

        // Writes after the second failure fail; nothing written before can be read back, and nothing reads back made up.
        Assert.AreEqual(96, report.GetProperty("failedWrites").GetInt64());
        Assert.AreEqual(report.GetProperty("bytesWritten").GetInt64(), report.GetProperty("bytesLost").GetInt64());
        Assert.AreEqual(0, report.GetProperty("bytesWrong").GetInt64());
        Assert.AreEqual(0, report.GetProperty("bytesVerified").GetInt64());
    }

    [TestMethod]
    public void UreDuringRebuild()
    {
        var report = ShippedScenarios.Run(ShippedScenarios.PathOf("ure-during-rebuild"));
        Assert.AreEqual("optimal", report.GetProperty("finalState").GetString());
        Assert.AreEqual(8192, report.GetProperty("bytesLost").GetInt64());
        Assert.AreEqual(0, report.GetProperty("bytesWrong").GetInt64());
        Assert.AreEqual(report.GetProperty("bytesWritten").GetInt64() - 8192, report.GetProperty("bytesVerified").GetInt64());
    }

    [TestMethod]
    public void BitrotScrub()
    {
        var report = ShippedScenarios.Run(ShippedScenarios.PathOf("bitrot-scrub"));
        var scrubs = report.GetProperty("scrubs").EnumerateArray().Select(s => s.GetProperty("mismatches").GetInt64()).ToList();
        CollectionAssert.AreEqual(new long[] { 8, 8, 0 }, scrubs);
        Assert.IsTrue(report.GetProperty("bytesWrong").GetInt64() > 0, "repair baked the rot in");
        Assert.AreEqual(0, report.GetProperty("bytesLost").GetInt64());
    }

    [TestMethod]
    public void BitrotScrubWithChecksums_HealsWhatMdBakesIn()
    {
        // The same rot as BitrotScrub, on an array with --integrity xxh3: caught, rewritten, never read as data.
        var report = ShippedScenarios.Run(ShippedScenarios.PathOf("bitrot-scrub-integrity"));
        var scrubs = report.GetProperty("scrubs").EnumerateArray().Select(s => s.GetProperty("mismatches").GetInt64()).ToList();
        CollectionAssert.AreEqual(new long[] { 0, 0, 0 }, scrubs);
        Assert.AreEqual(0, report.GetProperty("bytesWrong").GetInt64());
        Assert.AreEqual(0, report.GetProperty("bytesLost").GetInt64());
        Assert.AreEqual(report.GetProperty("bytesWritten").GetInt64(), report.GetProperty("bytesVerified").GetInt64());
    }

    [TestMethod]
    public void SlowDiskRaid1RoutesReadsAroundIt()
    {
        var report = ShippedScenarios.Run(ShippedScenarios.PathOf("slow-disk-raid1"));
        // Before, read-backs went to both mirrors; after disk 1 turned slow, disk 0 served them.
        var phases = report.GetProperty("phases").EnumerateArray().ToList();
        Assert.IsTrue(phases[0].GetProperty("memberBytesRead").GetProperty("1").GetInt64() > 0, "both mirrors served reads while healthy");
        var slowPhase = phases[^1].GetProperty("memberBytesRead");
        long fast = slowPhase.GetProperty("0").GetInt64();
        long slow = slowPhase.GetProperty("1").GetInt64();
        Assert.IsTrue(fast >= 64 * 16384, $"disk 0 served the read-backs: {fast} bytes");
        Assert.IsTrue(slow <= fast / 16, $"reads went around the slow mirror: disk 0 read {fast}, disk 1 {slow}");
        Assert.AreEqual(report.GetProperty("bytesWritten").GetInt64(), report.GetProperty("bytesVerified").GetInt64());
    }

    [TestMethod]
    public void SlowDiskRaid5LosesNothing()
    {
        var report = ShippedScenarios.Run(ShippedScenarios.PathOf("slow-disk-raid5"));
        Assert.AreEqual(report.GetProperty("bytesWritten").GetInt64(), report.GetProperty("bytesVerified").GetInt64());
        Assert.AreEqual(2, report.GetProperty("phases").GetArrayLength());
    }

    [TestMethod]
    public void FlakyCable()
    {
        var report = ShippedScenarios.Run(ShippedScenarios.PathOf("flaky-cable"));
        Assert.AreEqual("optimal", report.GetProperty("finalState").GetString());
        Assert.AreEqual(report.GetProperty("bytesWritten").GetInt64(), report.GetProperty("bytesVerified").GetInt64());
        Assert.AreEqual(0, report.GetProperty("readBackProblems").GetInt64());
    }
}
