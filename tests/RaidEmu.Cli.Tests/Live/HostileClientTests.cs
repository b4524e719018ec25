using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>
/// A connection storm, idle and stalled connections, oversized and malformed requests, all at once, while
/// a well-behaved client keeps writing and reading back: it must keep working, the server's memory must stay
/// bounded, and stop must still work.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class HostileClientTests
{
    private const int StormConnections = 100_000;
    private const long RssLimit = 256L * 1024 * 1024;
    private static readonly TimeSpan s_stormLimit = TimeSpan.FromSeconds(60);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void AStormOfHostileClients_LeavesAVerifyingClientWorking_InBoundedMemory()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("hostile");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "9M", "--chunk", "64K", "--assume-clean").Ok();
        using var server = Server.Serve(array);
        int port = server.Port;
        using var done = new CancellationTokenSource();

        // The verifying client connects first and keeps its connection throughout.
        var verifier = Task.Run(() => Verify(port, done.Token));

        // Idle handshakes: the server must time them out rather than keep them for ever.
        var idle = new List<Socket>();
        for (int i = 0; i < 300; i++)
        {
            idle.Add(ConnectRaw(port));
        }

        var stalled = Task.Run(() => StalledBigWrites(port, 40, done.Token));
        var oversized = Task.Run(() => Oversized(port, 50));
        var malformed = Task.Run(() => Malformed(port, 300));
        var watch = Stopwatch.StartNew();
        int opened = Storm(port, StormConnections, s_stormLimit);
        double rate = opened / watch.Elapsed.TotalSeconds;
        TestContext.WriteLine($"connection storm: {opened} connections in {watch.Elapsed.TotalSeconds:0.0} s ({rate:0} per second)");

        Assert.IsTrue(oversized.Wait(TimeSpan.FromSeconds(60)), "oversized requests hung");
        Assert.IsTrue(malformed.Wait(TimeSpan.FromSeconds(60)), "malformed requests hung");
        // By now every idle connection is older than the handshake timeout: each must be closed, or close soon.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        int closedIdle = idle.Count(s => RawNbd.ClosedByServer(s, Max(until - DateTime.UtcNow, TimeSpan.FromMilliseconds(10))));
        foreach (var socket in idle)
        {
            socket.Dispose();
        }

        done.Cancel();
        stalled.Wait(TimeSpan.FromSeconds(30));
        int verified = verifier.Result;
        long peak = server.PeakRss();
        TestContext.WriteLine($"verified round trips: {verified}; idle connections closed by the server: {closedIdle}; peak RSS {peak / 1048576} MiB");

        Assert.AreEqual(StormConnections, opened, $"only {opened} connections in {s_stormLimit.TotalSeconds} s");
        Assert.IsTrue(verified > 20, $"the verifying client made only {verified} round trips");
        Assert.AreEqual(idle.Count, closedIdle, "idle handshakes were kept open");
        Assert.IsTrue(peak < RssLimit, $"peak RSS {peak / 1048576} MiB");
        NbdHardeningTests.WriteAndReadBack(port, 65536, 0x6b);
        server.Stop();
        NbdHardeningTests.AssertCleanLog(array);
    }

    /// <summary>Writes random blocks and reads each back, on one connection, until told to stop; returns the round trips.</summary>
    private static int Verify(int port, CancellationToken stop)
    {
        using var client = RawNbd.Open(port);
        var random = new Random(1);
        int count = 0;
        while (!stop.IsCancellationRequested)
        {
            var block = new byte[random.Next(1, 64) * 1024];
            random.NextBytes(block);
            long offset = random.NextInt64(0, (client.Size - block.Length) / 512) * 512;
            client.Write(offset, block);
            CollectionAssert.AreEqual(block, client.Read(offset, block.Length), $"round trip {count} at {offset}");
            count++;
        }

        client.Disconnect();
        return count;
    }

    /// <summary>Opens and drops connections on several threads, half with a reset; returns how many it opened in time.</summary>
    private static int Storm(int port, int total, TimeSpan limit)
    {
        int opened = 0;
        var deadline = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var endPoint = new IPEndPoint(IPAddress.Loopback, port);
            while (deadline.Elapsed < limit)
            {
                int n = Interlocked.Increment(ref opened);
                if (n > total)
                {
                    Interlocked.Decrement(ref opened);
                    return;
                }

                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

                // A reset leaves no TIME_WAIT behind, so the storm does not run out of local ports.
                socket.LingerState = new LingerOption(true, 0);
                try
                {
                    socket.Connect(endPoint);
                }
                catch (SocketException)
                {
                    Interlocked.Decrement(ref opened);
                    continue;
                }

                if (n % 2 == 0)
                {
                    socket.Send([0, 0, 0, 3]);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return Math.Min(opened, total);
    }

    /// <summary>Connections that start a 32 MiB write, send most of it and stall.</summary>
    private static void StalledBigWrites(int port, int count, CancellationToken stop)
    {
        var clients = new List<RawNbd>();
        try
        {
            var payload = new byte[30 * 1024 * 1024];
            foreach (int i in Enumerable.Range(0, count))
            {
                var client = RawNbd.Open(port);
                clients.Add(client);
                client.SendRequest(RawNbd.CmdWrite, 0, 32 * 1024 * 1024);
                client.Stream.WriteTimeout = 2000;
                try
                {
                    client.Send(payload);
                }
                catch (IOException)
                {
                    // The server stopped reading: that is one of the answers allowed.
                }
            }

            stop.WaitHandle.WaitOne();
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>Requests past the limits: a 64 MiB read gets an error, a 4 GiB write ends the connection.</summary>
    private static void Oversized(int port, int count)
    {
        for (int i = 0; i < count; i++)
        {
            using var client = RawNbd.Open(port);
            ulong cookie = client.SendRequest(RawNbd.CmdRead, 0, 64 * 1024 * 1024);
            Assert.AreNotEqual(0u, client.ReadReply(cookie), "a 64 MiB read was answered with data");
            client.SendRequest(RawNbd.CmdWrite, 0, uint.MaxValue);
            Assert.IsTrue(client.ClosedByServer(TimeSpan.FromSeconds(20)), "a 4 GiB write did not end the connection");
        }
    }

    /// <summary>Garbage in every phase: bad option headers, impossible lengths, bad request magic, random bytes.</summary>
    private static void Malformed(int port, int count)
    {
        var random = new Random(3);
        for (int i = 0; i < count; i++)
        {
            using var client = RawNbd.Connect(port);
            switch (i % 5)
            {
                case 0:
                    var go = new byte[8];
                    BinaryPrimitives.WriteUInt32BigEndian(go, 0xFFFFFFF0);
                    client.SendOption(RawNbd.OptGo, go);
                    break;
                case 1:
                    client.SendOption(RawNbd.OptGo, [], declaredLength: 0xFFFFFFFF);
                    break;
                case 2:
                    var junk = new byte[random.Next(1, 5000)];
                    random.NextBytes(junk);
                    client.Send(junk);
                    break;
                case 3:
                    client.Go();
                    var header = new byte[28];
                    random.NextBytes(header);
                    client.Send(header);
                    break;
                default:
                    client.Go();
                    client.SendRequest(99, ulong.MaxValue - 5, 4096);
                    client.SendRequest(RawNbd.CmdWrite, ulong.MaxValue - 5, 16, new byte[16]);
                    break;
            }

            client.ClosedByServer(TimeSpan.FromMilliseconds(200));
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static Socket ConnectRaw(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }
}
