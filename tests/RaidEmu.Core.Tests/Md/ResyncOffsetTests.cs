using RaidEmu.Core.Md;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Tests.Md;

[TestClass]
public sealed class ResyncOffsetTests
{
    [TestMethod]
    public void A_write_during_a_resync_records_resync_offset_zero_so_a_crash_resyncs_from_the_start()
    {
        var array = TestArrays.Raid5(out var devices, assumeClean: false);
        ulong seenWhileDirty = ulong.MaxValue;
        bool wrote = false;
        array.RunSync(new Inline(p =>
        {
            if (!wrote && p.DoneBytes > 0 && p.DoneBytes < p.TotalBytes)
            {
                wrote = true;

                // An RMW write below the checkpoint: were the checkpoint recorded, a crash now would skip this stripe.
                array.Write(0, new byte[4096]);
                seenWhileDirty = Superblock.Read(devices[0], "mem0").ResyncOffset;
            }
        }));

        Assert.IsTrue(wrote, "the resync reported progress part-way");
        Assert.AreEqual(0UL, seenWhileDirty, "md writes resync_offset 0 whenever the array is not clean");
        array.Dispose();
        Assert.AreEqual(Superblock.Synced, Superblock.Read(devices[0], "mem0").ResyncOffset, "a clean stop after the resync records it synced");
    }

    private sealed class Inline(Action<SyncProgress> report) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => report(value);
    }
}
