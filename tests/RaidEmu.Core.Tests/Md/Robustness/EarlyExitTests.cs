using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Tests.Md.Robustness;

/// <summary>
/// MemberWorkers.Run: when the caller's own body(0) throws, Run returns at once (the batch is disposed by its
/// using) while the workers still carry out the other member reads through raw pointers into the request buffer,
/// which is no longer under fixed. The caller's buffer is written after the read has already failed: for NBD that
/// buffer is back in NbdBuffers and may belong to another connection's request by then.
/// </summary>
[TestClass]
public sealed class EarlyExitTests
{
    [TestMethod]
    [Timeout(30_000)]
    public void AFailedStripeRead_DoesNotWriteIntoTheBufferAfterItReturned()
    {
        const int Chunk = 16 * 1024;
        var devices = Enumerable.Range(0, 4).Select(_ => new OddDevice(new MemoryBlockDevice(ArrayCreateOptions.DataOffsetBytes + (Chunk * 8L)))).ToList();
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 4, ChunkBytes = Chunk, AssumeClean = true, Name = "early" };
        var array = ArrayCreator.Create(options, [.. devices.Select((d, i) => new MemberSource(d, $"mem{i}"))], new MemoryEventSink());
        TestArrays.FillRandom(array, 3);

        // Left-symmetric stripe 0: data column k on slot k; the caller runs column 0 itself.
        devices[0].Throw = true;
        devices[1].ReadDelay = TimeSpan.FromMilliseconds(200);
        devices[2].ReadDelay = TimeSpan.FromMilliseconds(200);

        var buffer = new byte[3 * Chunk];
        Assert.ThrowsExactly<ObjectDisposedException>(() => array.Read(0, buffer));

        // The request is over: the buffer is the caller's again (NBD returns it to the shared pool here).
        buffer.AsSpan().Fill(0xAA);
        Thread.Sleep(500);
        Assert.AreEqual(buffer.Length, buffer.AsSpan().Count((byte)0xAA), "member reads of the failed request landed in the buffer after it returned");
    }

    private sealed class OddDevice(IBlockDevice inner) : IBlockDevice
    {
        public volatile bool Throw;

        public TimeSpan ReadDelay { get; set; }

        public long Length => inner.Length;

        public int SectorSize => inner.SectorSize;

        public void Read(long offset, Span<byte> destination)
        {
            ObjectDisposedException.ThrowIf(Throw, this);
            Thread.Sleep(ReadDelay);
            inner.Read(offset, destination);
        }

        public void Write(long offset, ReadOnlySpan<byte> source) => inner.Write(offset, source);

        public void Flush()
        {
        }

        public void Dispose() => inner.Dispose();
    }
}
