using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid5;
using static RaidEmu.Core.Tests.Md.Reactions.ErringArrays;

namespace RaidEmu.Core.Tests.Md.Reactions;

/// <summary>A rebuild meeting an unreadable sector with no redundancy left: md records the loss, finishes, and reads of it are EIO.</summary>
[TestClass]
public sealed class RebuildErrorTests
{
    private const int Chunk = 16 * 1024;

    [TestMethod]
    [DataRow(Raid5Algorithm.LeftSymmetric)]
    [DataRow(Raid5Algorithm.RightAsymmetric)]
    public void Raid5_UreDuringRebuild_LosesExactlyThatBlockOfTheStripe(Raid5Algorithm algorithm)
    {
        var sink = new MemoryEventSink();
        using var array = Striped(4, sink, out var devices, out var model, algorithm);
        array.Fail(3);
        var replacement = new ErringDevice(new MemoryBlockDevice(devices[0].Length));
        array.Add(replacement);

        const long stripe = 5;
        long memberOffset = (stripe * Chunk) + 4096;
        devices[1].Unreadable(DataOffset + memberOffset + 512, 512);
        array.RunSync();

        Assert.AreEqual(1, Count(sink, EventTypes.RecoveryCompleted));
        Assert.AreEqual(ArrayState.Optimal, array.State);
        var slots = array.Slots;
        Assert.AreEqual(MemberState.InSync, slots[3]!.State);
        CollectionAssert.AreEqual(new[] { new BadBlock(memberOffset / 512, 8) }, slots[3]!.BadBlocks.Runs.ToArray());
        CollectionAssert.AreEqual(new[] { new BadBlock(memberOffset / 512, 8) }, slots[1]!.BadBlocks.Runs.ToArray());

        // The lost bytes: the 4 KiB of that stripe row on whichever of the two columns hold data.
        int parity = Raid5Layout.ParityMember(algorithm, stripe, 4);
        var expected = new[] { 1, 3 }
            .Where(slot => slot != parity)
            .Select(slot => new ByteRange((stripe * 3 * Chunk) + (Raid5Layout.DataIndexOf(algorithm, stripe, slot, 4) * (long)Chunk) + 4096, 4096))
            .OrderBy(r => r.Offset)
            .ToArray();
        CollectionAssert.AreEqual(expected, array.Unrecoverable.ToArray());
        Assert.IsTrue(Count(sink, EventTypes.DataLost) >= 1);

        AssertReadsBackExceptLost(array, model, expected);
    }

    [TestMethod]
    public void Raid1_UreOnTheOnlySource_LosesThatBlockAndFinishes()
    {
        var sink = new MemoryEventSink();
        using var array = Mirror(2, sink, out var devices, out var model);
        array.Fail(1);
        array.Add(new ErringDevice(new MemoryBlockDevice(devices[0].Length)));
        devices[0].Unreadable(DataOffset + (300 * 1024) + 1024, 512);
        array.RunSync();

        Assert.AreEqual(1, Count(sink, EventTypes.RecoveryCompleted));
        Assert.AreEqual(ArrayState.Optimal, array.State);
        var lost = new[] { new ByteRange(300 * 1024, 4096) };
        CollectionAssert.AreEqual(lost, array.Unrecoverable.ToArray());
        AssertReadsBackExceptLost(array, model, lost);
    }

    [TestMethod]
    public void Raid1_ThreeMirrors_UreOnOneSource_IsRepairedFromTheOther()
    {
        var sink = new MemoryEventSink();
        using var array = Mirror(3, sink, out var devices, out var model);
        array.Fail(2);
        array.Add(new ErringDevice(new MemoryBlockDevice(devices[0].Length)));
        devices[0].Unreadable(DataOffset + (300 * 1024) + 1024, 512);
        array.RunSync();

        Assert.AreEqual(0, array.Unrecoverable.Count);
        Assert.AreEqual(1, array.Members[0].CorrectedReadErrors);
        Assert.IsTrue(array.Slots.All(m => m!.BadBlocks.IsEmpty));
        AssertReadsBack(array, model);
        TestArrays.AssertMirrorsIdentical(array);
    }

    private static void AssertReadsBackExceptLost(RaidArray array, byte[] model, IReadOnlyList<ByteRange> lost)
    {
        var buffer = new byte[4096];
        for (long at = 0; at < array.Length; at += 4096)
        {
            if (lost.Any(r => r.Offset < at + 4096 && at < r.End))
            {
                Assert.ThrowsExactly<UnrecoverableReadException>(() => array.Read(at, buffer), $"read at {at}");
                continue;
            }

            array.Read(at, buffer);
            Assert.IsTrue(buffer.AsSpan().SequenceEqual(model.AsSpan((int)at, 4096)), $"bytes at {at}");
        }
    }
}
