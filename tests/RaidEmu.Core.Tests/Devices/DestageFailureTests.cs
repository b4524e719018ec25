using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Tests.Devices;

/// <summary>
/// When destaging fails (a full host file system under a sparse member), the extents go back to the queue. Writes
/// that keep coming must not pile their bytes on top: the cache stays within its budget (4 MiB per member by
/// design) however long the host stays full.
/// </summary>
[TestClass]
public sealed class DestageFailureTests
{
    [TestMethod]
    public void WritesThatCannotBeDestaged_DoNotGrowTheCacheBeyondItsBudget()
    {
        const int Budget = 64 * 1024;
        const int Piece = 64 * 1024;
        var disk = new FullDisk(4 * 1024 * 1024);
        using var cache = new PowerCutDevice(disk, Budget);
        disk.Full = true;

        int failed = 0;
        for (int i = 0; i < 48; i++)
        {
            try
            {
                cache.Write((long)i * Piece, new byte[Piece]);
            }
            catch (HostFullException)
            {
                failed++;
            }
        }

        long held = cache.UnflushedBytes;
        disk.Full = false;
        Assert.IsTrue(failed > 0, "the full disk never surfaced");
        Assert.IsTrue(held <= Budget + Piece, $"{held} bytes held in a cache of {Budget} after {failed} failed writes");
    }

    private sealed class FullDisk(long length) : IBlockDevice
    {
        private readonly MemoryBlockDevice _memory = new(length);

        public volatile bool Full;

        public Span<byte> Bytes => _memory.Bytes;

        public long Length => _memory.Length;

        public int SectorSize => _memory.SectorSize;

        public void Read(long offset, Span<byte> destination) => _memory.Read(offset, destination);

        public void Write(long offset, ReadOnlySpan<byte> source)
        {
            if (Full)
            {
                throw new HostFullException("the host file system at /test is full");
            }

            _memory.Write(offset, source);
        }

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
