using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Tests.Md;

/// <summary>Small in-memory arrays and independent checks of what their members hold.</summary>
internal static class TestArrays
{
    public const long DataOffset = ArrayCreateOptions.DataOffsetBytes;

    public static RaidArray Raid5(
        out List<IBlockDevice> devices,
        int disks = 4,
        int chunk = 16 * 1024,
        Raid5Algorithm algorithm = Raid5Algorithm.LeftSymmetric,
        int spares = 0,
        int stripes = 12,
        bool assumeClean = true,
        IEventSink? sink = null,
        TimeProvider? clock = null)
    {
        devices = NewDevices(disks + spares, DataOffset + ((long)chunk * stripes));
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = disks, ChunkBytes = chunk, Algorithm = algorithm, AssumeClean = assumeClean, Name = "test5" };
        return ArrayCreator.Create(options, Sources(devices), sink ?? new MemoryEventSink(), clock);
    }

    public static RaidArray Raid1(out List<IBlockDevice> devices, int disks = 3, int spares = 0, long dataBytes = 512 * 1024, bool assumeClean = true, IEventSink? sink = null)
    {
        devices = NewDevices(disks + spares, DataOffset + dataBytes);
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid1, RaidDisks = disks, AssumeClean = assumeClean, Name = "test1" };
        return ArrayCreator.Create(options, Sources(devices), sink ?? new MemoryEventSink());
    }

    public static List<IBlockDevice> NewDevices(int count, long bytes) =>
        [.. Enumerable.Range(0, count).Select(_ => (IBlockDevice)new FaultyBlockDevice(new MemoryBlockDevice(bytes)))];

    public static List<MemberSource> Sources(IEnumerable<IBlockDevice> devices) =>
        [.. devices.Select((d, i) => new MemberSource(d, $"mem{i}"))];

    /// <summary>
    /// Fills every member's data area with its own random bytes, as members look after an unclean stop: data and
    /// parity (or mirrors) disagree wherever resync has not been.
    /// </summary>
    public static void Scramble(IEnumerable<IBlockDevice> devices, int seed)
    {
        foreach (var device in devices)
        {
            device.Write(DataOffset, RandomBytes((int)(device.Length - DataOffset), seed++));
        }
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] ReadAll(RaidArray array)
    {
        var bytes = new byte[array.Length];
        array.Read(0, bytes);
        return bytes;
    }

    /// <summary>Fills the volume with random data through unaligned writes of varied sizes.</summary>
    public static byte[] FillRandom(RaidArray array, int seed)
    {
        var expected = RandomBytes((int)array.Length, seed);
        var random = new Random(seed + 1);
        long offset = 0;
        while (offset < array.Length)
        {
            int n = (int)Math.Min(random.Next(1, 40_000), array.Length - offset);
            array.Write(offset, expected.AsSpan((int)offset, n));
            offset += n;
        }

        return expected;
    }

    /// <summary>Checks every stripe's parity straight from the member devices, independently of the engine's read path.</summary>
    public static void AssertParityConsistent(RaidArray array)
    {
        var g = array.Geometry;
        var slots = array.Slots;
        var column = new byte[g.ChunkBytes];
        for (long stripe = 0; stripe < g.ComponentBytes / g.ChunkBytes; stripe++)
        {
            var xor = new byte[g.ChunkBytes];
            for (int slot = 0; slot < g.RaidDisks; slot++)
            {
                Assert.IsNotNull(slots[slot], $"slot {slot} is empty");
                slots[slot]!.Device.Read(g.DataOffsetBytes + (stripe * g.ChunkBytes), column);
                for (int i = 0; i < column.Length; i++)
                {
                    xor[i] ^= column[i];
                }
            }

            Assert.IsTrue(xor.All(b => b == 0), $"stripe {stripe} parity is inconsistent");
        }
    }

    /// <summary>Checks that every mirror's data area is identical, read straight from the devices.</summary>
    public static void AssertMirrorsIdentical(RaidArray array)
    {
        var g = array.Geometry;
        byte[]? first = null;
        foreach (var member in array.Slots)
        {
            Assert.IsNotNull(member);
            var data = new byte[g.ComponentBytes];
            member.Device.Read(g.DataOffsetBytes, data);
            if (first == null)
            {
                first = data;
            }
            else
            {
                Assert.IsTrue(first.AsSpan().SequenceEqual(data), $"mirror disk {member.DevNumber} differs");
            }
        }
    }

    public static byte[] Snapshot(IBlockDevice device)
    {
        var bytes = new byte[device.Length];
        device.Read(0, bytes);
        return bytes;
    }
}
