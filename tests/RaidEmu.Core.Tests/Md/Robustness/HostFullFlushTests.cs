using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Tests.Md.Robustness;

/// <summary>
/// With the write-back drive cache a member write lands in PowerCutDevice's cache, and a full host file system is
/// often met only when the cache is destaged, at the array's flush. That flush must fail (ENOSPC for NBD) rather
/// than acknowledge bytes that are still only in the volatile cache, where a power cut would lose them.
/// </summary>
[TestClass]
public sealed class HostFullFlushTests
{
    [TestMethod]
    public void AFlushTheHostCannotTake_IsNotAcknowledged()
    {
        const int Chunk = 16 * 1024;
        var disks = Enumerable.Range(0, 3).Select(_ => new FillingDevice(new MemoryBlockDevice(ArrayCreateOptions.DataOffsetBytes + (Chunk * 8L)))).ToList();
        var cached = disks.Select(d => new PowerCutDevice(d)).ToList();
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 3, ChunkBytes = Chunk, AssumeClean = true, Name = "full" };
        var array = ArrayCreator.Create(options, [.. cached.Select((d, i) => new MemberSource(d, $"mem{i}"))], new MemoryEventSink());

        foreach (var disk in disks)
        {
            disk.Full = true;
        }

        var data = TestArrays.RandomBytes(2 * Chunk, 1);
        array.Write(0, data);
        bool acknowledged;
        try
        {
            array.Flush();
            acknowledged = true;
        }
        catch (IOException)
        {
            acknowledged = false;
        }

        long volatileBytes = cached.Sum(c => c.UnflushedBytes);
        Assert.IsFalse(acknowledged && volatileBytes > 0, $"Flush returned normally with {volatileBytes} bytes still only in the drive caches");
    }

    private sealed class FillingDevice(IBlockDevice inner) : IBlockDevice
    {
        public volatile bool Full;

        public long Length => inner.Length;

        public int SectorSize => inner.SectorSize;

        public void Read(long offset, Span<byte> destination) => inner.Read(offset, destination);

        public void Write(long offset, ReadOnlySpan<byte> source)
        {
            if (Full)
            {
                throw new HostFullException("the host file system at /test is full");
            }

            inner.Write(offset, source);
        }

        public void Flush()
        {
        }

        public void Dispose() => inner.Dispose();
    }
}
