using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Tests.Md.Robustness;

/// <summary>
/// A member device closed while a stripe operation is under way throws ObjectDisposedException (a FileBlockDevice
/// after its SafeFileHandle is disposed: RaidArray.Abandon closes the members while NBD/FUSE requests are still
/// running, LiveHost.LosePower does exactly that). Before the parallel member I/O the exception reached the caller
/// (NbdTransmission.ErrorOf maps it to EIO). Now it is thrown on a member-io worker thread, where nothing catches it:
/// the process dies. On the caller's own index it escapes MemberWorkers.Run while workers still write into the
/// caller's pinned request buffer / returned scratch.
/// </summary>
[TestClass]
public sealed class ClosedUnderReadTests
{
    [TestMethod]
    [Timeout(30_000)]
    public void AMemberClosedUnderAStripeRead_FailsTheRead_NotTheProcess()
    {
        const int Chunk = 16 * 1024;
        var devices = Enumerable.Range(0, 4).Select(_ => new ClosableDevice(new MemoryBlockDevice(ArrayCreateOptions.DataOffsetBytes + (Chunk * 8L)))).ToList();
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 4, ChunkBytes = Chunk, AssumeClean = true, Name = "closed" };
        using var array = ArrayCreator.Create(options, [.. devices.Select((d, i) => new MemberSource(d, $"mem{i}"))], new MemoryEventSink());
        foreach (var device in devices)
        {
            device.ReadDelay = TimeSpan.FromMilliseconds(200);
        }

        // The power goes while the read is waiting on its members: every member is closed under it.
        var reader = Task.Run(() => array.Read(0, new byte[3 * Chunk]));
        Thread.Sleep(50);
        foreach (var device in devices)
        {
            device.Dispose();
        }

        var error = Assert.ThrowsExactly<AggregateException>(() => reader.Wait());
        Assert.IsInstanceOfType<ObjectDisposedException>(error.InnerException);
    }

    private sealed class ClosableDevice(IBlockDevice inner) : IBlockDevice
    {
        private volatile bool _closed;

        public TimeSpan ReadDelay { get; set; }

        public long Length => inner.Length;

        public int SectorSize => inner.SectorSize;

        public void Read(long offset, Span<byte> destination)
        {
            Thread.Sleep(ReadDelay);
            ObjectDisposedException.ThrowIf(_closed, this);
            inner.Read(offset, destination);
        }

        public void Write(long offset, ReadOnlySpan<byte> source)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            inner.Write(offset, source);
        }

        public void Flush() => ObjectDisposedException.ThrowIf(_closed, this);

        public void Dispose() => _closed = true;
    }
}
