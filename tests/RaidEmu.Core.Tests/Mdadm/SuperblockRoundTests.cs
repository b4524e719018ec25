using System.Buffers.Binary;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Metadata;
using RaidEmu.Core.Tests.Md;

namespace RaidEmu.Core.Tests.Mdadm;

/// <summary>A process can die between any two superblock writes: members must never end more than one event apart.</summary>
[TestClass]
public sealed class SuperblockRoundTests
{
    [TestMethod]
    public void AfterAKillLeftOneMemberAhead_NoLaterKillLeavesMembersTwoEventsApart()
    {
        var array = TestArrays.Raid5(out var devices);
        array.Dispose();
        var before = devices.Select(d => Superblock.Read(d, "m")).ToList();

        // The first member got the dirty mark, the others did not: [N+1, N, N, N].
        array = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        array.Write(0, new byte[4096]);
        array.Abandon();
        var block = new byte[Superblock.BlockBytes];
        for (int i = 1; i < devices.Count; i++)
        {
            before[i].WriteTo(block);
            devices[i].Write(Superblock.ByteOffset, block);
        }

        var events = devices.Select(d => Superblock.Read(d, "m").Events).ToArray();
        var writes = new List<(int Member, ulong Events)>();
        var recorded = devices.Select((d, i) => (IBlockDevice)new Recording(d, i, writes)).ToList();
        using (var again = Assembler.Assemble(TestArrays.Sources(recorded), new MemoryEventSink(), ownsDevices: false))
        {
            again.Write(8192, new byte[4096]);
        }

        Assert.IsTrue(writes.Count >= 2 * devices.Count, "the write and the clean stop each wrote every superblock");

        // Replay: the on-disk event counts after every single superblock write, as a kill there would leave them.
        foreach (var (member, value) in writes)
        {
            events[member] = value;
            Assert.IsTrue(events.Max() - events.Min() <= 1, $"a kill here leaves events [{string.Join(",", events)}]");
        }
    }

    private sealed class Recording(IBlockDevice inner, int member, List<(int, ulong)> writes) : IBlockDevice
    {
        public long Length => inner.Length;

        public int SectorSize => inner.SectorSize;

        public void Read(long offset, Span<byte> destination) => inner.Read(offset, destination);

        public void Write(long offset, ReadOnlySpan<byte> source)
        {
            inner.Write(offset, source);
            if (offset == Superblock.ByteOffset)
            {
                writes.Add((member, BinaryPrimitives.ReadUInt64LittleEndian(source[200..])));
            }
        }

        public void Flush() => inner.Flush();

        public void Dispose()
        {
        }
    }
}
