using System.Diagnostics;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Md;

namespace RaidEmu.Core.Tests.Md;

/// <summary>md's sync_speed_max: recovery goes no faster than the limit, and a limit is never a reason to stop early.</summary>
[TestClass]
public sealed class SyncSpeedTests
{
    [TestMethod]
    public void Recovery_TakesAtLeastWhatTheLimitAllows()
    {
        using var array = TestArrays.Raid5(out _, chunk: 16384, stripes: 32);
        var expected = TestArrays.FillRandom(array, 3);
        array.Fail(2);
        array.Add(new MemoryBlockDevice(array.Members[0].Device.Length));

        // 512 KiB per member at 1 MiB/s: at least about half a second.
        array.SyncSpeedLimit = 1024 * 1024;
        var timer = Stopwatch.StartNew();
        array.RunSync();
        Assert.IsTrue(timer.Elapsed >= TimeSpan.FromSeconds(0.4), $"recovery took {timer.Elapsed}");
        Assert.AreEqual(ArrayState.Optimal, array.State);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => array.SyncSpeedLimit = -1);
    }
}
