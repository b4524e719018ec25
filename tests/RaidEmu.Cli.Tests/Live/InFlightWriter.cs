namespace RaidEmu.Cli.Tests.Live;

/// <summary>
/// Keeps NBD writes going to one region until disposed, so a power cut lands while writes are in flight:
/// with md's safe mode an idle array is clean, and only writes in flight leave it dirty.
/// </summary>
internal sealed class InFlightWriter : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private InFlightWriter(string qemuIo, string uri, string region)
    {
        _loop = Task.Run(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                // One process writing back to back leaves no idle gap; it fails once the power is cut, and the
                // loop just tries again until stopped.
                var args = new List<string> { "-f", "raw" };
                for (int i = 0; i < 40; i++)
                {
                    args.AddRange(["-c", $"write -P 0x5{i % 10} {region}"]);
                }

                args.Add(uri);
                Tools.Run(qemuIo, [.. args]);
            }
        });
    }

    /// <summary>Starts writing <paramref name="region"/> ("offset length", qemu-io units) and waits until the array is dirty.</summary>
    public static InFlightWriter Start(string qemuIo, string uri, string array, string region)
    {
        var writer = new InFlightWriter(qemuIo, uri, region);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!StoryTests.Status(array).GetProperty("dirty").GetBoolean())
        {
            Assert.IsTrue(DateTime.UtcNow < deadline, "writes in flight never made the array dirty");
        }

        return writer;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait();
        _stop.Dispose();
    }
}
