using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Tests.Md.Robustness;

/// <summary>
/// LiveHost.LosePower, as served: PowerOff, Cut every PowerCutDevice, then Abandon, which closes the member files
/// while client reads are still running. A read that passed PowerCutDevice's power check before the cut reaches
/// FileBlockDevice.Read after its handle was disposed: ObjectDisposedException, possibly on a member-io worker
/// thread. The readers must get the error and the process (here the test host) must live. SlowFile only widens the
/// window a page-cache miss opens.
/// </summary>
[TestClass]
public sealed class PowerLossUnderReadTests
{
    [TestMethod]
    [Timeout(120_000)]
    public void PowerLossWhileReadsRun_FailsTheReads_NotTheProcess()
    {
        const int Chunk = 16 * 1024;
        string folder = Path.Combine(Path.GetTempPath(), "review-powerloss-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            for (int round = 0; round < 20; round++)
            {
                var disks = Enumerable.Range(0, 4)
                    .Select(i => new PowerCutDevice(new SlowFile(FileBlockDevice.Create(Path.Combine(folder, $"r{round}d{i}.img"), ArrayCreateOptions.DataOffsetBytes + (Chunk * 64L)))))
                    .ToList();
                var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 4, ChunkBytes = Chunk, AssumeClean = true, Name = "cut" };
                var array = ArrayCreator.Create(options, [.. disks.Select((d, i) => new MemberSource(d, $"d{i}"))], new MemoryEventSink());
                using var stop = new CancellationTokenSource();
                var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
                {
                    var buffer = new byte[3 * Chunk];
                    var random = new Random(r);
                    while (!stop.IsCancellationRequested)
                    {
                        try
                        {
                            array.Read(random.Next(0, 60) * 3L * Chunk, buffer);
                        }
                        catch (IOException)
                        {
                        }
                        catch (InvalidOperationException)
                        {
                            // ObjectDisposedException on the caller's own thread: what the request saw before the change.
                        }
                    }
                })).ToArray();

                Thread.Sleep(30);
                array.PowerOff();
                foreach (var disk in disks)
                {
                    disk.Cut(new Random(round));
                }

                array.Abandon();
                Thread.Sleep(30);
                stop.Cancel();
                Task.WaitAll(readers);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class SlowFile(FileBlockDevice inner) : IBlockDevice
    {
        public long Length => inner.Length;

        public int SectorSize => inner.SectorSize;

        public void Read(long offset, Span<byte> destination)
        {
            Thread.Sleep(1);
            inner.Read(offset, destination);
        }

        public void Write(long offset, ReadOnlySpan<byte> source) => inner.Write(offset, source);

        public void Flush() => inner.Flush();

        public void Dispose() => inner.Dispose();
    }
}
