using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid5;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Tests.Md.Raid5;

[TestClass]
public sealed class Raid5Tests
{
    [TestMethod]
    [DataRow(Raid5Algorithm.LeftSymmetric)]
    [DataRow(Raid5Algorithm.LeftAsymmetric)]
    [DataRow(Raid5Algorithm.RightSymmetric)]
    [DataRow(Raid5Algorithm.RightAsymmetric)]
    public void EveryMemberFailure_ReadsBackIdentical_ThenRebuildsConsistentParity(Raid5Algorithm algorithm)
    {
        for (int k = 0; k < 4; k++)
        {
            using var array = TestArrays.Raid5(out _, algorithm: algorithm);
            var expected = TestArrays.FillRandom(array, seed: k);
            TestArrays.AssertParityConsistent(array);

            array.Fail(k);
            Assert.AreEqual(ArrayState.Degraded, array.State);
            CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array), $"degraded read, member {k} failed");

            // Writes while degraded must land too (the missing member's chunks live only in parity).
            var patch = TestArrays.RandomBytes(50_000, 99 + k);
            array.Write(12_345, patch);
            patch.CopyTo(expected, 12_345);

            array.Add(new MemoryBlockDevice(array.Members[0].Device.Length));
            Assert.AreEqual(ArrayState.Recovering, array.State);
            array.RunSync();
            Assert.AreEqual(ArrayState.Optimal, array.State);
            TestArrays.AssertParityConsistent(array);
            CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array), $"after rebuilding member {k}");
        }
    }

    [TestMethod]
    public void SecondFailure_FailsTheArray_WithoutMadeUpData()
    {
        var sink = new MemoryEventSink();
        using var array = TestArrays.Raid5(out var devices, sink: sink);
        TestArrays.FillRandom(array, 1);
        ((FaultyBlockDevice)devices[1]).FailNow();
        var buffer = new byte[array.Length];
        array.Read(0, buffer);
        Assert.AreEqual(MemberState.Faulty, array.Members[1].State, "an I/O error marks the member faulty");

        array.Fail(3);
        Assert.AreEqual(ArrayState.Failed, array.State);
        Assert.ThrowsExactly<ArrayFailedException>(() => array.Read(0, new byte[4096]));
        Assert.ThrowsExactly<ArrayFailedException>(() => array.Write(0, new byte[4096]));
        Assert.AreEqual(EventTypes.ArrayFailed, sink.Events[^1].Type);
    }

    [TestMethod]
    public void FullStripeWrite_ReadsNothing_SmallWriteReadsTheFewestChunks()
    {
        using var array = TestArrays.Raid5(out var devices, disks: 5, chunk: 4096);
        long Reads() => devices.Sum(d => ((FaultyBlockDevice)d).Reads);

        long before = Reads();
        array.Write(0, TestArrays.RandomBytes(4 * 4096, 5));
        Assert.AreEqual(before, Reads(), "a full-stripe write computes parity from the new data alone");

        // One 512-byte write in a 5-disk stripe: read-modify-write reads old data and parity (2) rather
        // than the 3 untouched chunks that reconstruct-write would need.
        before = Reads();
        array.Write(100, TestArrays.RandomBytes(512, 6));
        Assert.AreEqual(before + 2, Reads());

        // Three of four chunks rewritten: reconstruct-write reads only the one chunk left.
        before = Reads();
        array.Write(4096, TestArrays.RandomBytes(3 * 4096, 7));
        Assert.AreEqual(before + 1, Reads());
        TestArrays.AssertParityConsistent(array);
    }

    [TestMethod]
    public async Task ConcurrentWritesToTheSameStripes_KeepParityConsistent()
    {
        using var array = TestArrays.Raid5(out _, chunk: 4096, stripes: 8);
        var expected = new byte[array.Length];
        int writers = 8;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() =>
        {
            // Writer w owns every 8th 512-byte sector, so all writers share every stripe.
            var random = new Random(w);
            for (int round = 0; round < 40; round++)
            {
                for (long sector = w; sector * 512 < array.Length; sector += writers)
                {
                    if (random.Next(4) == 0)
                    {
                        var data = new byte[512];
                        random.NextBytes(data);
                        array.Write(sector * 512, data);
                        lock (expected)
                        {
                            data.CopyTo(expected, sector * 512);
                        }
                    }
                }
            }
        })));

        TestArrays.AssertParityConsistent(array);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array));
    }

    [TestMethod]
    public async Task HotSpare_TakesOverAndRebuilds_WithoutOperatorAction()
    {
        var sink = new MemoryEventSink();
        using var array = TestArrays.Raid5(out _, disks: 3, spares: 1, sink: sink);
        array.AutoRecover = true;
        var expected = TestArrays.FillRandom(array, 3);
        array.Fail(1);
        await array.WaitForBackgroundSyncAsync();

        Assert.AreEqual(ArrayState.Optimal, array.State);
        Assert.AreEqual(3, array.Slots[1]!.DevNumber, "the spare (disk 3) holds slot 1");
        TestArrays.AssertParityConsistent(array);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array));
        var types = sink.Events.Select(e => e.Type).SkipWhile(t => t != EventTypes.MemberFailed).ToArray();
        CollectionAssert.AreEqual(
            new[] { EventTypes.MemberFailed, EventTypes.ArrayDegraded, EventTypes.SpareActivated, EventTypes.RecoveryStarted, EventTypes.RecoveryCompleted, EventTypes.ArrayOptimal },
            types);
    }

    [TestMethod]
    public void InitialResync_MakesGarbageMembersConsistent()
    {
        var devices = TestArrays.NewDevices(4, TestArrays.DataOffset + (16 * 16384));
        for (int i = 0; i < devices.Count; i++)
        {
            devices[i].Write(0, TestArrays.RandomBytes((int)devices[i].Length, i));
        }

        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 4, ChunkBytes = 16384, Name = "garbage" };
        using var array = ArrayCreator.Create(options, TestArrays.Sources(devices), new MemoryEventSink());
        Assert.AreEqual(ArrayState.Resyncing, array.State);
        Assert.IsTrue(array.Scrub(repair: false) > 0, "random members disagree with their parity before the sync");
        array.RunSync();
        Assert.AreEqual(ArrayState.Optimal, array.State);
        Assert.AreEqual(0, array.Scrub(repair: false));
        TestArrays.AssertParityConsistent(array);
    }

    [TestMethod]
    public void Check_CountsWithoutWriting_RepairFixes()
    {
        using var array = TestArrays.Raid5(out var devices, chunk: 16384);
        TestArrays.FillRandom(array, 8);
        Assert.AreEqual(0, array.Scrub(repair: false));

        // Corrupt 4 KiB of stripe 2's parity chunk, on whichever member holds it.
        int parity = Raid5Layout.ParityMember(Raid5Algorithm.LeftSymmetric, 2, 4);
        var junk = TestArrays.RandomBytes(4096, 11);
        devices[parity].Write(TestArrays.DataOffset + (2 * 16384) + 8192, junk);
        var before = devices.Select(TestArrays.Snapshot).ToList();

        Assert.AreEqual(8, array.Scrub(repair: false), "one 4 KiB page = 8 sectors, as md counts");
        for (int i = 0; i < devices.Count; i++)
        {
            CollectionAssert.AreEqual(before[i], TestArrays.Snapshot(devices[i]), $"check wrote to disk {i}");
        }

        Assert.AreEqual(8, array.Scrub(repair: true));
        Assert.AreEqual(0, array.Scrub(repair: false));
        TestArrays.AssertParityConsistent(array);
    }

    [TestMethod]
    public void ReadsOfUnalignedRanges_MatchWhatWasWritten()
    {
        using var array = TestArrays.Raid5(out _, disks: 5, chunk: 4096);
        var expected = TestArrays.FillRandom(array, 21);
        var random = new Random(22);
        for (int i = 0; i < 200; i++)
        {
            long offset = random.NextInt64(array.Length);
            int n = (int)Math.Min(random.Next(1, 30_000), array.Length - offset);
            var got = new byte[n];
            array.Read(offset, got);
            CollectionAssert.AreEqual(expected.AsSpan((int)offset, n).ToArray(), got);
        }
    }

    [TestMethod]
    public void WideArray_WorksInNarrowerColumns_WithBoundedScratch()
    {
        using var array = TestArrays.Raid5(out _, disks: 24, chunk: 256 * 1024, stripes: 3);
        Assert.IsTrue(array.ScratchBytes <= Personality.MaxScratchBytes, $"scratch {array.ScratchBytes} bytes");
        var expected = TestArrays.FillRandom(array, 31);
        array.Fail(7);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array));
        array.Add(new MemoryBlockDevice(array.Members[0].Device.Length));
        array.RunSync();
        TestArrays.AssertParityConsistent(array);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array));
    }

    [TestMethod]
    public void ReplacementFailingMidRebuild_LeavesTheArrayDegraded_NotFailed()
    {
        using var array = TestArrays.Raid5(out _, stripes: 40);
        var expected = TestArrays.FillRandom(array, 41);
        array.Fail(2);
        var replacement = new FaultyBlockDevice(new MemoryBlockDevice(array.Members[0].Device.Length));
        array.Add(replacement);
        replacement.FailAfterWrites(30);
        array.RunSync();
        Assert.AreEqual(ArrayState.Degraded, array.State);
        Assert.AreEqual(MemberState.Faulty, array.Members.Single(m => m.DevNumber == 4).State);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array));
    }

    [TestMethod]
    public void OutOfRange_IsRefused()
    {
        using var array = TestArrays.Raid5(out _);
        Assert.ThrowsExactly<IOException>(() => array.Read(array.Length - 10, new byte[11]));
        Assert.ThrowsExactly<IOException>(() => array.Write(-1, new byte[1]));
    }
}
