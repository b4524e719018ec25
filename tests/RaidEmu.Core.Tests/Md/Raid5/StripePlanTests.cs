using RaidEmu.Core.Md.Raid5;

namespace RaidEmu.Core.Tests.Md.Raid5;

/// <summary>The read-modify-write or reconstruct-write choice, and the reads it implies, without any I/O.</summary>
[TestClass]
public sealed class StripePlanTests
{
    // A 5-disk RAID 5 (4 data chunks) with a 64 KiB window per chunk.
    private const int Window = 64 * 1024;

    [TestMethod]
    public void FullStripe_ReadsNothing()
    {
        var plan = StripePlan.For(Write(Whole, Whole, Whole, Whole));

        AssertChoice(plan, StripeWriteMode.ReconstructWrite, StripeWriteReason.FullStripe, reads: 0);
    }

    [TestMethod]
    public void OneWholeChunk_ReadsThatChunkAndParity()
    {
        var plan = StripePlan.For(Write(None, Whole, None, None));

        // RMW reads chunk 1 and parity (2 reads); RCW would read the 3 other chunks.
        AssertChoice(plan, StripeWriteMode.ReadModifyWrite, StripeWriteReason.FewerReads, reads: 2);
        Assert.AreEqual(Whole, plan.DataReads[1]);
        Assert.AreEqual(Whole, plan.ParityRead);
        Assert.AreEqual(2L * Window, plan.BytesRead);
    }

    [TestMethod]
    public void PartialChunk_ReadsOnlyTheWrittenBytesOfIt()
    {
        var written = new ColumnRange(4096, 8192);
        var plan = StripePlan.For(Write(None, None, written, None));

        Assert.AreEqual(StripeWriteMode.ReadModifyWrite, plan.Mode);
        Assert.AreEqual(written, plan.DataReads[2]);
        Assert.AreEqual(Whole, plan.ParityRead);
        Assert.AreEqual(4096L + Window, plan.BytesRead);
    }

    [TestMethod]
    public void ThreeOfFourChunks_ReconstructsBecauseItReadsLess()
    {
        var plan = StripePlan.For(Write(Whole, Whole, Whole, None));

        // RCW reads chunk 3 alone; RMW would read 3 chunks and parity.
        AssertChoice(plan, StripeWriteMode.ReconstructWrite, StripeWriteReason.NoMoreReads, reads: 1);
        Assert.AreEqual(Whole, plan.DataReads[3]);
        Assert.IsTrue(plan.ParityRead.IsEmpty);
    }

    [TestMethod]
    public void MissingDataMember_PartlyWritten_RebuildsItFromTheOthersAndParity()
    {
        var plan = StripePlan.For(Write(new ColumnRange(0, 4096), None, None, None) with { UnreadableData = 0 });

        AssertChoice(plan, StripeWriteMode.ReconstructWrite, StripeWriteReason.MemberUnreadable);
        Assert.IsTrue(plan.RebuildsUnreadable);
        Assert.IsTrue(plan.DataReads[0].IsEmpty, "the missing member is never read");
        Assert.AreEqual(4, plan.ReadCount, "three other data chunks and parity");
    }

    [TestMethod]
    public void MissingDataMember_Untouched_ReadsTheOtherPartialChunksOnly()
    {
        var plan = StripePlan.For(Write(None, Whole, None, None) with { UnreadableData = 3 });

        Assert.AreEqual(StripeWriteMode.ReconstructWrite, plan.Mode);
        Assert.IsTrue(plan.RebuildsUnreadable, "its old bytes are part of the new parity");
        Assert.AreEqual(Whole, plan.DataReads[0]);
        Assert.AreEqual(Whole, plan.DataReads[1]);
        Assert.AreEqual(Whole, plan.DataReads[2]);
        Assert.IsTrue(plan.DataReads[3].IsEmpty);
        Assert.AreEqual(Whole, plan.ParityRead);
    }

    [TestMethod]
    public void MemberBeingRebuiltAndFullyWritten_IsNotRebuiltFirst()
    {
        // The rebuilding member's chunk is all new data, so nothing of its old content is needed.
        var plan = StripePlan.For(Write(Whole, None, None, None) with { UnreadableData = 0 });

        AssertChoice(plan, StripeWriteMode.ReconstructWrite, StripeWriteReason.MemberUnreadable);
        Assert.IsFalse(plan.RebuildsUnreadable);
        Assert.AreEqual(3, plan.ReadCount, "the three untouched chunks; no parity");
        Assert.IsTrue(plan.ParityRead.IsEmpty);
    }

    [TestMethod]
    public void MissingParity_ReconstructsFromData()
    {
        var plan = StripePlan.For(Write(None, Whole, None, None) with { UnreadableParity = true });

        AssertChoice(plan, StripeWriteMode.ReconstructWrite, StripeWriteReason.MemberUnreadable);
        Assert.IsTrue(plan.ParityRead.IsEmpty);
        Assert.AreEqual(3, plan.ReadCount);
    }

    [TestMethod]
    public void BeyondResyncPoint_ReconstructsWithoutReadingParity()
    {
        var plan = StripePlan.For(Write(None, Whole, None, None) with { BeyondResyncPoint = true });

        // Old parity may be wrong there: the three untouched chunks are read and parity is computed afresh.
        AssertChoice(plan, StripeWriteMode.ReconstructWrite, StripeWriteReason.ResyncPending, reads: 3);
        Assert.IsTrue(plan.ParityRead.IsEmpty);
    }

    [TestMethod]
    public void TwoColumnsDown_WriteElsewhere_ModifiesAroundThem()
    {
        // Data chunks 0 and 3 hold lost blocks in this window; the write touches chunk 1 only.
        var plan = StripePlan.ForDegraded(Write(None, Whole, None, None) with { DownData = [0, 3] });

        Assert.IsNotNull(plan);
        AssertChoice(plan, StripeWriteMode.ReadModifyWrite, StripeWriteReason.AroundLostBlocks, reads: 2);
        Assert.AreEqual(Whole, plan.DataReads[1]);
        Assert.AreEqual(Whole, plan.ParityRead);
    }

    [TestMethod]
    public void TwoColumnsDown_BothFullyWritten_ReconstructsWithoutThem()
    {
        var plan = StripePlan.ForDegraded(Write(Whole, None, Whole, None) with { DownData = [0], UnreadableParity = true });

        Assert.IsNotNull(plan);
        AssertChoice(plan, StripeWriteMode.ReconstructWrite, StripeWriteReason.AroundLostBlocks);
        Assert.IsTrue(plan.DataReads[0].IsEmpty);
        Assert.IsTrue(plan.ParityRead.IsEmpty);
        Assert.AreEqual(Whole, plan.DataReads[1]);
        Assert.AreEqual(Whole, plan.DataReads[3]);
    }

    [TestMethod]
    public void TwoColumnsDown_PartlyWrittenLostChunk_HasNoPlan()
    {
        // Old bytes of chunk 0 are needed either way (to modify, or to complete it), and nothing holds them.
        Assert.IsNull(StripePlan.ForDegraded(Write(new ColumnRange(0, 4096), None, None, None) with { DownData = [0, 2] }));
        Assert.IsNull(StripePlan.ForDegraded(Write(None, new ColumnRange(0, 4096), None, None) with { DownData = [0], UnreadableParity = true }));
    }

    [TestMethod]
    public void OneColumnDown_PlansAsBefore()
    {
        var write = Write(None, Whole, None, None) with { UnreadableData = 3 };

        var plan = StripePlan.ForDegraded(write);
        var before = StripePlan.For(write);

        Assert.IsNotNull(plan);
        Assert.AreEqual(before.Mode, plan.Mode);
        Assert.AreEqual(before.Reason, plan.Reason);
        CollectionAssert.AreEqual(before.DataReads.ToArray(), plan.DataReads.ToArray());
        Assert.AreEqual(before.ParityRead, plan.ParityRead);
    }

    private static ColumnRange Whole => new(0, Window);

    private static ColumnRange None => ColumnRange.None;

    private static StripeWrite Write(params ColumnRange[] written) => new(0, Window, written);

    private static void AssertChoice(StripePlan plan, StripeWriteMode mode, StripeWriteReason reason, int? reads = null)
    {
        Assert.AreEqual(mode, plan.Mode, "mode");
        Assert.AreEqual(reason, plan.Reason, "reason");
        if (reads != null)
        {
            Assert.AreEqual(reads.Value, plan.ReadCount, "member reads");
        }
    }
}
