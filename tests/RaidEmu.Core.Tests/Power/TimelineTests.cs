using RaidEmu.Core.Power;

namespace RaidEmu.Core.Tests.Power;

[TestClass]
public sealed class TimelineTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [TestMethod]
    public void EarliestFirst_EqualTimesInTheOrderScheduled()
    {
        var timeline = new Timeline();
        var played = new List<string>();
        timeline.Schedule(s_start.AddMilliseconds(30), () => played.Add("outage ends"));
        timeline.Schedule(s_start.AddMilliseconds(12), () => played.Add("hold-up ends"));
        timeline.Schedule(s_start.AddMilliseconds(12), () => played.Add("capping takes effect"));
        timeline.Schedule(s_start.AddMilliseconds(1), () => played.Add("standby wakes"));
        timeline.Schedule(s_start.AddMilliseconds(12), () => played.Add("PWOK"));
        while (timeline.TryTake(DateTimeOffset.MaxValue, out var entry))
        {
            entry.Act();
        }

        CollectionAssert.AreEqual(new[] { "standby wakes", "hold-up ends", "capping takes effect", "PWOK", "outage ends" }, played);
    }

    [TestMethod]
    public void OnlyWhatIsDueIsTaken_AndLazyEntriesAreNotWaitedFor()
    {
        var timeline = new Timeline();
        timeline.Schedule(s_start.AddSeconds(8), () => { }, lazy: true);
        Assert.IsFalse(timeline.HasEager, "only a lazy entry is pending");
        timeline.Schedule(s_start.AddMilliseconds(12), () => { });
        Assert.IsTrue(timeline.HasEager);
        Assert.IsTrue(timeline.TryPeek(out var due));
        Assert.AreEqual(s_start.AddMilliseconds(12), due);
        Assert.IsFalse(timeline.TryTake(s_start.AddMilliseconds(11), out _), "not due yet");
        Assert.IsTrue(timeline.TryTake(s_start.AddMilliseconds(12), out _));
        Assert.IsFalse(timeline.HasEager);
        Assert.IsFalse(timeline.TryTake(s_start.AddSeconds(7), out _));
        Assert.IsTrue(timeline.TryTake(s_start.AddSeconds(8), out var lazy));
        Assert.IsTrue(lazy.Lazy);
        Assert.IsFalse(timeline.TryPeek(out _));
    }
}
