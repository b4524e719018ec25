using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Tests.Md.Robustness;

/// <summary>
/// When the member I/O the caller runs itself fails, the read still waits for the workers' reads of the same stripe
/// before it returns: they write through raw pointers into the request buffer, which once the request is over is
/// the caller's again (for NBD, back in the shared pool and perhaps another connection's).
/// </summary>
[TestClass]
public sealed class EarlyExitTests
{
    [TestMethod]
    [Timeout(30_000)]
    public void AFailedStripeRead_DoesNotWriteIntoTheBufferAfterItReturned()
    {
        const int Chunk = 16 * 1024;
        var devices = Enumerable.Range(0, 4).Select(_ => new ClosableDevice(new MemoryBlockDevice(ArrayCreateOptions.DataOffsetBytes + (Chunk * 8L)))).ToList();
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 4, ChunkBytes = Chunk, AssumeClean = true, Name = "early" };
        var array = ArrayCreator.Create(options, [.. devices.Select((d, i) => new MemberSource(d, $"mem{i}"))], new MemoryEventSink());
        TestArrays.FillRandom(array, 3);

        // Left-symmetric stripe 0: data column k on slot k; the caller runs column 0 itself.
        devices[0].Dispose();
        devices[1].ReadDelay = TimeSpan.FromMilliseconds(200);
        devices[2].ReadDelay = TimeSpan.FromMilliseconds(200);

        var buffer = new byte[3 * Chunk];
        Assert.ThrowsExactly<ObjectDisposedException>(() => array.Read(0, buffer));

        // The request is over: the buffer is the caller's again (NBD returns it to the shared pool here).
        buffer.AsSpan().Fill(0xAA);
        Thread.Sleep(500);
        Assert.AreEqual(buffer.Length, buffer.AsSpan().Count((byte)0xAA), "member reads of the failed request landed in the buffer after it returned");
    }
}
