using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Tests.Md.Reactions;

/// <summary>Small arrays over <see cref="ErringDevice"/> members, filled with seeded data the tests keep as their model.</summary>
internal static class ErringArrays
{
    public const long DataOffset = ArrayCreateOptions.DataOffsetBytes;

    public static RaidArray Mirror(int disks, MemoryEventSink sink, out List<ErringDevice> devices, out byte[] model)
    {
        devices = NewDevices(disks, DataOffset + (512 * 1024));
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid1, RaidDisks = disks, AssumeClean = true, Name = "r1" };
        var array = ArrayCreator.Create(options, TestArrays.Sources(devices), sink);
        model = TestArrays.FillRandom(array, 7);
        return array;
    }

    public static RaidArray Striped(int disks, MemoryEventSink sink, out List<ErringDevice> devices, out byte[] model, Raid5Algorithm algorithm = Raid5Algorithm.LeftSymmetric)
    {
        const int chunk = 16 * 1024;
        devices = NewDevices(disks, DataOffset + (chunk * 12L));
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = disks, ChunkBytes = chunk, Algorithm = algorithm, AssumeClean = true, Name = "r5" };
        var array = ArrayCreator.Create(options, TestArrays.Sources(devices), sink);
        model = TestArrays.FillRandom(array, 11);
        return array;
    }

    public static List<ErringDevice> NewDevices(int count, long bytes) =>
        [.. Enumerable.Range(0, count).Select(_ => new ErringDevice(new MemoryBlockDevice(bytes)))];

    /// <summary>Reads the whole volume in pieces of <paramref name="piece"/> bytes and compares each with the model.</summary>
    public static void AssertReadsBack(RaidArray array, byte[] model, int piece = 8192)
    {
        var buffer = new byte[piece];
        for (long at = 0; at < array.Length; at += piece)
        {
            int n = (int)Math.Min(piece, array.Length - at);
            array.Read(at, buffer.AsSpan(0, n));
            Assert.IsTrue(buffer.AsSpan(0, n).SequenceEqual(model.AsSpan((int)at, n)), $"bytes at {at} differ from what was written");
        }
    }

    /// <summary>Seeded writes of random bytes at random offsets, kept in the model too.</summary>
    public static void WriteRandomly(RaidArray array, byte[] model, int seed, int count, int longest)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int at = random.Next(0, (int)array.Length - longest);
            var bytes = new byte[random.Next(1, longest)];
            random.NextBytes(bytes);
            array.Write(at, bytes);
            bytes.CopyTo(model, at);
        }
    }

    /// <summary>The member's data-area bytes, read straight from its device.</summary>
    public static byte[] MemberData(ErringDevice device, long offset, int length)
    {
        var bytes = new byte[length];
        device.Read(DataOffset + offset, bytes);
        return bytes;
    }

    public static int Count(MemoryEventSink sink, string type) => sink.Events.Count(e => e.Type == type);
}
