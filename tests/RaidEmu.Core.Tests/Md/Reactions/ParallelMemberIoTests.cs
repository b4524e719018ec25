using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using static RaidEmu.Core.Tests.Md.Reactions.ErringArrays;

namespace RaidEmu.Core.Tests.Md.Reactions;

/// <summary>
/// A stripe operation issues its member I/Os side by side. Whatever order the members answer in, failures are
/// handled in slot order (as when they were issued one after another), and the stripe lock still keeps
/// concurrent writes from interleaving inside a stripe.
/// </summary>
[TestClass]
public sealed class ParallelMemberIoTests
{
    private const int Chunk = 16 * 1024;

    // The member in slot `slow` answers last, so it fails last in time: the outcome must not follow the clock.
    [TestMethod]
    [DataRow(1, 3)]
    [DataRow(3, 1)]
    public void TwoMembersGoneInOneRead_AreHandledInSlotOrder(int slow, int fast)
    {
        var sink = new MemoryEventSink();
        using var array = Striped(5, sink, out var devices, out _);
        devices[slow].ReadDelay = TimeSpan.FromMilliseconds(40);
        devices[1].Whole = new DeviceGoneException("disk 1 unplugged");
        devices[3].Whole = new DeviceGoneException("disk 3 unplugged");

        Assert.ThrowsExactly<ArrayFailedException>(() => array.Read(0, new byte[4 * Chunk]));

        // Slot 1's error is handled first: failing it writes every other superblock, which finds member 3 gone and
        // fails it before slot 1's failure is logged. Handling slot 3's error first would log 1 before 3.
        var failed = sink.Events.Where(e => e.Type == EventTypes.MemberFailed).Select(e => e.Member).ToList();
        CollectionAssert.AreEqual(new int?[] { 3, 1 }, failed, $"slow {slow}, fast {fast}: {string.Join("; ", sink.Events.Select(e => e.Type + " " + e.Member))}");
        Assert.AreEqual(ArrayState.Failed, array.State);
    }

    [TestMethod]
    [DataRow(0, 2)]
    [DataRow(2, 0)]
    public void ReadErrorsOnTwoMembersOfOneStripe_AreRepairedInSlotOrder(int slow, int fast)
    {
        var sink = new MemoryEventSink();
        using var array = Striped(5, sink, out var devices, out var model);
        devices[slow].ReadDelay = TimeSpan.FromMilliseconds(40);

        // Stripe 0 of the left-symmetric layout: data chunk k on slot k, parity on slot 4. Different 4 KiB blocks, so both can be rebuilt.
        devices[0].Unreadable(DataOffset + 4096, 512);
        devices[2].Unreadable(DataOffset + 8192, 512);

        var bytes = new byte[4 * Chunk];
        array.Read(0, bytes);

        Assert.IsTrue(bytes.AsSpan().SequenceEqual(model.AsSpan(0, bytes.Length)), $"slow {slow}, fast {fast}: the stripe read back differs");
        var corrected = sink.Events.Where(e => e.Type == EventTypes.ReadErrorCorrected).Select(e => e.Member).ToList();
        CollectionAssert.AreEqual(new int?[] { 0, 2 }, corrected, string.Join("; ", sink.Events.Select(e => e.Type + " " + e.Member)));
        Assert.IsFalse(devices[0].IsUnreadable(DataOffset + 4096, 512));
        Assert.IsFalse(devices[2].IsUnreadable(DataOffset + 8192, 512));
        AssertReadsBack(array, model);
    }

    [TestMethod]
    public void ReadAndWriteErrorsAtOnce_GiveTheSameEventsRunAfterRun()
    {
        List<string>? first = null;
        for (int run = 0; run < 4; run++)
        {
            var sink = new MemoryEventSink();
            using var array = Striped(5, sink, out var devices, out var model);
            devices[run % 5].ReadDelay = TimeSpan.FromMilliseconds(15);
            devices[1].Unwritable(DataOffset + 4096, 512);
            devices[3].Unwritable(DataOffset + 8192, 512);
            devices[0].Unreadable(DataOffset + 12288, 512);

            // Part of stripe 0: reads some columns (one of them fails) and writes data 1, 2, 3 and parity (two of them fail).
            var bytes = TestArrays.RandomBytes(3 * Chunk, 40 + run);
            array.Write(Chunk, bytes);
            bytes.CopyTo(model, Chunk);

            var seen = sink.Events.Where(e => e.Type is not EventTypes.ArrayDirty and not EventTypes.ArrayClean).Select(e => $"{e.Type} {e.Member}").ToList();
            first ??= seen;
            CollectionAssert.AreEqual(first, seen, $"run {run}: {string.Join("; ", seen)}");
            Assert.AreEqual(2, seen.Count(e => e.StartsWith(EventTypes.BadBlockRecorded, StringComparison.Ordinal)), string.Join("; ", seen));
            AssertReadsBack(array, model);
        }
    }

    [TestMethod]
    public void DegradedRead_ReadsEachSurvivingChunkOnce()
    {
        var sink = new MemoryEventSink();
        using var array = Striped(4, sink, out var devices, out var model);
        array.Fail(1);
        var before = devices.Select(d => d.Reads).ToList();

        var stripe = 3 * Chunk;
        var bytes = new byte[stripe];
        for (long at = 0; at + stripe <= array.Length; at += stripe)
        {
            array.Read(at, bytes);
            Assert.IsTrue(bytes.AsSpan().SequenceEqual(model.AsSpan((int)at, stripe)), $"stripe at {at} differs");
        }

        long stripes = array.Length / stripe;
        foreach (int slot in new[] { 0, 2, 3 })
        {
            Assert.AreEqual(stripes, devices[slot].Reads - before[slot], $"reads of member {slot}");
        }
    }

    [TestMethod]
    public void ConcurrentOverlappingWrites_LeaveConsistentStripes()
    {
        using var array = TestArrays.Raid5(out var devices, disks: 5, chunk: Chunk, stripes: 8);
        const int Page = 4096;
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(() =>
        {
            var random = new Random(w);
            for (int i = 0; i < 200; i++)
            {
                int pages = random.Next(1, 12);
                long at = random.Next(0, (int)(array.Length / Page) - pages) * (long)Page;
                var bytes = new byte[pages * Page];
                for (int p = 0; p < pages; p++)
                {
                    bytes.AsSpan(p * Page, Page).Fill((byte)((w * 40) + (i % 40) + 1));
                }

                array.Write(at, bytes);
            }
        })).ToArray();
        Task.WaitAll(writers);

        var healthy = TestArrays.ReadAll(array);
        for (int at = 0; at < healthy.Length; at += Page)
        {
            var page = healthy.AsSpan(at, Page);
            Assert.AreEqual(Page, page.Count(page[0]), $"page at {at} holds bytes of two writes");
        }

        Assert.AreEqual(0, array.Scrub(repair: false), "parity disagrees with the data after concurrent writes");
        array.Fail(2);
        CollectionAssert.AreEqual(healthy, TestArrays.ReadAll(array), "a degraded read rebuilds other bytes than the healthy read returned");
    }
}
