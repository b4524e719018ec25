using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Tests.Md.Robustness;

/// <summary>
/// Members closed while a stripe read waits on them (a power loss: LiveHost.LosePower abandons the array while
/// requests still run) throw ObjectDisposedException on the member-io worker threads. The error must reach the
/// request's caller, which NBD turns into EIO, and never end the process from a worker thread.
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
}
