using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using static RaidEmu.Core.Tests.Md.Reactions.ErringArrays;

namespace RaidEmu.Core.Tests.Md.Reactions;

/// <summary>md's read-error path: unreadable member sectors are served from redundancy, rewritten and counted.</summary>
[TestClass]
public sealed class ReadErrorTests
{
    [TestMethod]
    [DataRow(2)]
    [DataRow(3)]
    public void Raid1_UnreadableSector_IsServedRewrittenAndCounted(int disks)
    {
        var sink = new MemoryEventSink();
        using var array = Mirror(disks, sink, out var devices, out var model);
        for (int d = 0; d < disks; d++)
        {
            devices[d].Unreadable(DataOffset + (100 * 1024) + (d * 8192), 512);
        }

        // Reads meet the bad sectors of the mirrors they pick; check reads every mirror and meets the rest.
        AssertReadsBack(array, model, 16 * 1024);
        Assert.AreEqual(0L, array.Scrub(repair: false));
        AssertReadsBack(array, model, 16 * 1024);

        for (int d = 0; d < disks; d++)
        {
            var member = array.Members[d];
            Assert.AreEqual(MemberState.InSync, member.State);
            Assert.AreEqual(1, member.CorrectedReadErrors, $"disk {d}");
            Assert.IsFalse(devices[d].IsUnreadable(DataOffset + (100 * 1024) + (d * 8192), 512), "the sector was rewritten");
            long at = (100 * 1024) + (d * 8192);
            CollectionAssert.AreEqual(model.AsSpan((int)at, 4096).ToArray(), MemberData(devices[d], at, 4096));
        }

        Assert.AreEqual(disks, Count(sink, EventTypes.ReadErrorCorrected));
        Assert.AreEqual(ArrayState.Optimal, array.State);
    }

    [TestMethod]
    [DataRow(Raid5Algorithm.LeftSymmetric)]
    [DataRow(Raid5Algorithm.LeftAsymmetric)]
    [DataRow(Raid5Algorithm.RightSymmetric)]
    [DataRow(Raid5Algorithm.RightAsymmetric)]
    public void Raid5_UnreadableSectors_OnEveryMember_AreServedAndRewritten(Raid5Algorithm algorithm)
    {
        var sink = new MemoryEventSink();
        using var array = Striped(4, sink, out var devices, out var model, algorithm);
        for (int d = 0; d < 4; d++)
        {
            // Different stripes, so each is a data column somewhere and parity elsewhere.
            devices[d].Unreadable(DataOffset + (d * 16 * 1024 * 2) + 1024, 1024);
        }

        AssertReadsBack(array, model, 3000);
        array.Scrub(repair: false);
        AssertReadsBack(array, model, 64 * 1024);

        for (int d = 0; d < 4; d++)
        {
            Assert.IsFalse(devices[d].IsUnreadable(DataOffset + (d * 16 * 1024 * 2) + 1024, 1024), $"disk {d} still unreadable");
            Assert.AreEqual(1, array.Members[d].CorrectedReadErrors, $"disk {d}");
        }

        TestArrays.AssertParityConsistent(array);
        Assert.AreEqual(ArrayState.Optimal, array.State);
    }

    [TestMethod]
    public void Raid5_ReadErrorDuringPartialWrite_KeepsParityRight()
    {
        var sink = new MemoryEventSink();
        using var array = Striped(4, sink, out var devices, out var model);
        for (int d = 0; d < 4; d++)
        {
            devices[d].Unreadable(DataOffset + (d * 16 * 1024 * 2) + 4096, 4096);
        }

        // Small writes read old data and parity first (read-modify-write).
        WriteRandomly(array, model, seed: 3, count: 40, longest: 600);

        array.Write(4096 + 100, new byte[] { 1, 2, 3 });
        new byte[] { 1, 2, 3 }.CopyTo(model, 4096 + 100);
        AssertReadsBack(array, model);
        devices.ForEach(d => d.ClearFaults());
        TestArrays.AssertParityConsistent(array);
    }

    [TestMethod]
    public void MoreThanTwentyCorrectedErrors_FailTheMember()
    {
        var sink = new MemoryEventSink();
        using var array = Mirror(2, sink, out var devices, out var model);
        for (int i = 0; i <= RaidArray.MaxCorrectedReadErrors; i++)
        {
            devices[0].Unreadable(DataOffset + (i * 16 * 1024), 512);
        }

        AssertReadsBack(array, model, 4096);
        array.Scrub(repair: false);

        Assert.AreEqual(RaidArray.MaxCorrectedReadErrors + 1, array.Members[0].CorrectedReadErrors, string.Join("; ", sink.Events.Select(e => e.Type + " " + e.Details)));
        Assert.AreEqual(MemberState.Faulty, array.Members[0].State);
        Assert.AreEqual(RaidArray.MaxCorrectedReadErrors + 1, array.Members[0].CorrectedReadErrors);
        var failed = sink.Events.Single(e => e.Type == EventTypes.MemberFailed);
        StringAssert.Contains(failed.Details, "too many corrected read errors");
        AssertReadsBack(array, model);
    }

    [TestMethod]
    public void Degraded_UnreadableSector_FailsOnlyThatReadWithEio()
    {
        var sink = new MemoryEventSink();
        using var array = Striped(4, sink, out var devices, out var model);
        array.Fail(3);
        devices[0].Unreadable(DataOffset + 8192, 512);

        // Logical bytes of disk 0's column in stripe 0 (left-symmetric: disk 0 holds data chunk 0 there).
        Assert.ThrowsExactly<UnrecoverableReadException>(() => array.Read(8192, new byte[512]));
        Assert.ThrowsExactly<UnrecoverableReadException>(() => array.Read(0, new byte[64 * 1024]));
        Assert.AreEqual(ArrayState.Degraded, array.State);
        Assert.IsTrue(Count(sink, EventTypes.ReadErrorUncorrectable) >= 1);

        var buffer = new byte[4096];
        for (long at = 0; at < array.Length; at += 4096)
        {
            if (at == 8192)
            {
                continue;
            }

            array.Read(at, buffer);
            Assert.IsTrue(buffer.AsSpan().SequenceEqual(model.AsSpan((int)at, 4096)), $"bytes at {at}");
        }
    }

    [TestMethod]
    public void Raid1_LastMirrorUnreadable_IsEioAndTheArrayStays()
    {
        var sink = new MemoryEventSink();
        using var array = Mirror(2, sink, out var devices, out var model);
        array.Fail(1);
        devices[0].Unreadable(DataOffset + 4096, 512);

        Assert.ThrowsExactly<UnrecoverableReadException>(() => array.Read(4096, new byte[4096]));
        Assert.AreEqual(MemberState.InSync, array.Members[0].State);
        var buffer = new byte[4096];
        array.Read(8192, buffer);
        CollectionAssert.AreEqual(model.AsSpan(8192, 4096).ToArray(), buffer);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void TimeoutOrGone_FailsTheMemberAtOnce(bool timeout)
    {
        var sink = new MemoryEventSink();
        using var array = Striped(4, sink, out var devices, out var model);
        devices[1].Whole = timeout ? new DeviceTimeoutException("hung") : new DeviceGoneException("gone");

        AssertReadsBack(array, model);
        Assert.AreEqual(MemberState.Faulty, array.Members[1].State);
        Assert.AreEqual(0, array.Members[1].CorrectedReadErrors);
        Assert.IsTrue(array.Members[1].BadBlocks.IsEmpty);
        Assert.AreEqual(ArrayState.Degraded, array.State);
    }

    [TestMethod]
    [DataRow(RaidLevel.Raid1)]
    [DataRow(RaidLevel.Raid5)]
    public void Flaky_NoDataError(RaidLevel level)
    {
        var sink = new MemoryEventSink();
        using var array = level == RaidLevel.Raid1 ? Mirror(3, sink, out var devices, out var model) : Striped(4, sink, out devices, out model);
        for (int d = 0; d < devices.Count; d++)
        {
            devices[d].Flaky(0.02, 100 + d);
        }

        var random = new Random(5);
        for (int i = 0; i < 300; i++)
        {
            int at = random.Next(0, (int)array.Length - 9000);
            int n = random.Next(1, 9000);
            if (random.Next(2) == 0)
            {
                var bytes = new byte[n];
                random.NextBytes(bytes);
                array.Write(at, bytes);
                bytes.CopyTo(model, at);
            }
            else
            {
                var bytes = new byte[n];
                array.Read(at, bytes);
                Assert.IsTrue(bytes.AsSpan().SequenceEqual(model.AsSpan(at, n)), $"read at {at}");
            }
        }

        devices.ForEach(d => d.ClearFaults());
        AssertReadsBack(array, model);
        Assert.AreNotEqual(ArrayState.Failed, array.State);
    }
}
