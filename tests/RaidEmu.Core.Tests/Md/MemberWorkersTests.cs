using RaidEmu.Core.Md;

namespace RaidEmu.Core.Tests.Md;

/// <summary>
/// Member I/Os that finish quickly (page-cached files) run on the caller, one after another; slow ones (a disk, the
/// timing model) still run side by side. Either way every body has run before the call returns, and the first
/// error in index order is the one rethrown.
/// </summary>
[TestClass]
public sealed class MemberWorkersTests
{
    [TestMethod]
    public void FastBodies_RunOnTheCaller()
    {
        using var workers = new MemberWorkers(3);
        int caller = Environment.CurrentManagedThreadId;
        var threads = new int[4];
        for (int run = 0; run < 20; run++)
        {
            workers.Run(4, i => threads[i] = Environment.CurrentManagedThreadId);
            CollectionAssert.AreEqual(new[] { caller, caller, caller, caller }, threads, $"run {run}");
        }
    }

    [TestMethod]
    public void SlowBodies_RunSideBySide()
    {
        using var workers = new MemberWorkers(2);
        workers.Run(3, _ => Thread.Sleep(5));

        // Every body waits for the other two: run one after another, they would never all arrive.
        using var barrier = new Barrier(3);
        var met = new bool[3];
        workers.Run(3, i => met[i] = barrier.SignalAndWait(TimeSpan.FromSeconds(10)));
        CollectionAssert.AreEqual(new[] { true, true, true }, met);
    }

    [TestMethod]
    public void AllBodiesRun_AndTheFirstErrorInIndexOrderIsRethrown()
    {
        using var workers = new MemberWorkers(3);
        var ran = new bool[4];
        var error = Assert.ThrowsExactly<IOException>(() => workers.Run(4, i =>
        {
            ran[i] = true;
            if (i >= 1)
            {
                throw new IOException($"body {i}");
            }
        }));
        Assert.AreEqual("body 1", error.Message);
        CollectionAssert.AreEqual(new[] { true, true, true, true }, ran);
    }
}
