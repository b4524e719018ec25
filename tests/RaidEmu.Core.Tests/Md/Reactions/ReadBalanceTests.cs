using RaidEmu.Core.Events;
using static RaidEmu.Core.Tests.Md.Reactions.ErringArrays;

namespace RaidEmu.Core.Tests.Md.Reactions;

/// <summary>RAID 1 reads prefer the mirror that answers faster, as md's read_balance does, and share out between equals.</summary>
[TestClass]
public sealed class ReadBalanceTests
{
    [TestMethod]
    public void SlowMirror_GetsFewReads()
    {
        using var array = Mirror(2, new MemoryEventSink(), out var devices, out var model);
        devices[0].ReadDelay = TimeSpan.FromMilliseconds(2);
        int before0 = devices[0].Reads;
        int before1 = devices[1].Reads;
        for (int pass = 0; pass < 2; pass++)
        {
            AssertReadsBack(array, model, 4096);
        }

        int slow = devices[0].Reads - before0;
        int fast = devices[1].Reads - before1;
        Assert.IsTrue(fast > 8 * slow, $"fast mirror {fast} reads, slow mirror {slow}");
    }

    [TestMethod]
    public void EqualMirrors_BothServe()
    {
        using var array = Mirror(2, new MemoryEventSink(), out var devices, out var model);
        int before0 = devices[0].Reads;
        int before1 = devices[1].Reads;
        for (int pass = 0; pass < 4; pass++)
        {
            AssertReadsBack(array, model, 4096);
        }

        int a = devices[0].Reads - before0;
        int b = devices[1].Reads - before1;
        Assert.IsTrue(a > (a + b) / 4 && b > (a + b) / 4, $"mirror reads {a} and {b}");
    }
}
