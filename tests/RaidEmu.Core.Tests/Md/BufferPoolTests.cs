using RaidEmu.Core.Md;

namespace RaidEmu.Core.Tests.Md;

// Scratch is capped: a rent past the cap waits for a return instead of allocating, and the personalities rent
// only inside a stripe lock, so many writers and degraded readers on few stripes still finish.
[TestClass]
public sealed class BufferPoolTests
{
    [TestMethod]
    public void ARentPastTheCapWaitsForAReturn()
    {
        using var pool = new BufferPool(64 * 1024);
        var rented = Enumerable.Range(0, BufferPool.MaxLive).Select(_ => pool.Rent()).ToList();

        var waiting = Task.Run(pool.Rent);
        Assert.IsFalse(waiting.Wait(200), "a rent past the cap must wait");
        Assert.AreEqual(BufferPool.MaxLive, pool.Live);

        pool.Return(rented[0]);
        Assert.IsTrue(waiting.Wait(10_000), "a return hands its buffer to the waiting rent");
        Assert.AreSame(rented[0], waiting.Result);

        pool.Return(waiting.Result);
        foreach (var buffer in rented.Skip(1))
        {
            pool.Return(buffer);
        }

        Assert.AreEqual(8, pool.Live, "buffers beyond the kept eight are freed");
    }

    [TestMethod]
    public void ABufferReturnedAfterThePoolIsDisposed_IsFreed()
    {
        var pool = new BufferPool(64 * 1024);
        var kept = pool.Rent();
        var inUse = pool.Rent();
        pool.Return(kept);

        pool.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => kept.GetSpan(), "kept buffers are freed with the pool");

        pool.Return(inUse);
        Assert.ThrowsExactly<ObjectDisposedException>(() => inUse.GetSpan(), "one in use then is freed when it comes back");
        Assert.AreEqual(0, pool.Live);
    }

    [TestMethod]
    public void ManyWritersAndDegradedReadersOnFewStripesAllFinish()
    {
        using var array = TestArrays.Raid5(out _, disks: 4, chunk: 16 * 1024, stripes: 4);
        array.Fail(2);
        long length = array.Length;
        var errors = new List<Exception>();
        var threads = Enumerable.Range(0, 48).Select(t => new Thread(() =>
        {
            try
            {
                var random = new Random(t);
                var bytes = new byte[24 * 1024];
                for (int i = 0; i < 200; i++)
                {
                    long offset = random.NextInt64(0, length - bytes.Length);
                    if (t % 2 == 0)
                    {
                        array.Write(offset, bytes);
                    }
                    else
                    {
                        array.Read(offset, bytes);
                    }
                }
            }
            catch (Exception ex)
            {
                lock (errors)
                {
                    errors.Add(ex);
                }
            }
        })).ToList();

        threads.ForEach(t => t.Start());
        foreach (var thread in threads)
        {
            Assert.IsTrue(thread.Join(60_000), "a stripe operation waited for scratch it could never get");
        }

        Assert.AreEqual(0, errors.Count, string.Join("\n", errors));
    }
}
