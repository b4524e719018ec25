using System.Buffers.Binary;
using System.Net.Sockets;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Live;
using RaidEmu.Live.Nbd;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>
/// Consecutive writes that have already arrived are served as one array write ending at a stripe's end: the
/// stripes they cover whole are written without reading a member, every write is answered once by its own
/// cookie with the gathered write's outcome, and what a FUA write or a gap separates is not gathered. The
/// whole burst is in the socket before the connection starts serving, so what is gathered does not depend
/// on timing.
/// </summary>
[TestClass]
public sealed class NbdGatherTests
{
    private const int Chunk = 16 * 1024;
    private const int Stripe = 3 * Chunk;
    private const int Piece = 12 * 1024;

    [TestMethod]
    public async Task ContiguousWritesAlreadyReceived_AreWrittenAsWholeStripes_AndEachIsAnsweredOnce()
    {
        using var array = Raid5();
        var expected = new byte[array.Length];
        var random = new Random(5);
        var burst = new MemoryStream();
        ulong cookie = 0;
        void Write(long offset, int length, ushort flags = 0)
        {
            var data = new byte[length];
            random.NextBytes(data);
            data.CopyTo(expected, offset);
            burst.Write(RawNbd.Message(RawNbd.CmdWrite, ++cookie, (ulong)offset, (uint)length, data, flags));
        }

        // From the middle of stripe 0 to the end of stripe 2 in 12 KiB pieces, then a FUA write that
        // continues them, then a write after a gap.
        for (long at = Stripe / 2; at < 3 * Stripe; at += Piece)
        {
            Write(at, Piece);
        }

        Write(3 * Stripe, Piece, flags: 1);
        Write(5 * Stripe, Piece);
        ulong writes = cookie;
        burst.Write(RawNbd.Message(RawNbd.CmdDisconnect, ++cookie, 0, 0, null, 0));

        long readBefore = array.Members.Sum(m => m.BytesRead);
        var replies = await ServeAsync(array, burst.ToArray());
        long read = array.Members.Sum(m => m.BytesRead) - readBefore;

        CollectionAssert.AreEquivalent(Enumerable.Range(1, (int)writes).Select(c => (ulong)c).ToList(), replies.Keys.ToList(), "every write answered once");
        Assert.IsTrue(replies.Values.All(e => e == 0), "every write succeeded");
        var actual = new byte[array.Length];
        array.Read(0, actual);
        CollectionAssert.AreEqual(expected, actual, "the array holds every write's bytes");

        // Written one by one, each 12 KiB piece reads its old data and parity (24 KiB), 240 KiB for the
        // first ten. Gathered, only the half stripe at the start, the FUA write and the lone one read.
        Assert.IsTrue(read <= 3 * Stripe, $"members read {read} bytes while whole stripes were written");
    }

    [TestMethod]
    public async Task GatheredWritesOnAFailedArray_AreEachAnsweredWithTheError()
    {
        using var array = Raid5();
        array.Fail(0);
        array.Fail(1);
        var burst = new MemoryStream();
        for (int i = 0; i < 8; i++)
        {
            burst.Write(RawNbd.Message(RawNbd.CmdWrite, (ulong)i + 1, (ulong)(i * Piece), Piece, new byte[Piece], 0));
        }

        burst.Write(RawNbd.Message(RawNbd.CmdDisconnect, 9, 0, 0, null, 0));
        var replies = await ServeAsync(array, burst.ToArray());

        CollectionAssert.AreEquivalent(Enumerable.Range(1, 8).Select(c => (ulong)c).ToList(), replies.Keys.ToList(), "every write answered once");
        Assert.IsTrue(replies.Values.All(e => e == 5), $"every write failed with EIO: {string.Join(", ", replies.Values)}");
    }

    [TestMethod]
    public async Task AWriteWhoseLengthWouldWrapTheGatheredTotal_IsNotGathered_AndEndsTheConnectionInOrder()
    {
        // A volume past 4 GiB, so only the length itself can refuse the second write.
        using var device = new Discarding(8L << 30);
        var burst = new MemoryStream();
        burst.Write(RawNbd.Message(RawNbd.CmdWrite, 1, 0, Piece, new byte[Piece], 0));

        // 4 GiB less a little: added to the first write's length in 32 bits it would wrap to a small number.
        burst.Write(RawNbd.Message(RawNbd.CmdWrite, 2, Piece, uint.MaxValue - Piece + 2, null, 0));
        var replies = await ServeAsync(new NbdExport(device, "big", ReadOnly: false, TimedDisks: true), burst.ToArray());

        CollectionAssert.AreEquivalent(new ulong[] { 1 }, replies.Keys.ToList(), "the first write answered, the impossible one not");
        Assert.AreEqual(0u, replies[1]);
    }

    [TestMethod]
    [DoNotParallelize] // the gathering budget is shared by every connection in the process
    public async Task WritesThatNothingContinues_TakeNoGatheringBuffer()
    {
        using var device = new Gated(1L << 30);
        var burst = LoneWrites(NbdMergeBuffers.Count);

        burst.Write(RawNbd.Message(RawNbd.CmdDisconnect, 99, 0, 0, null, 0));
        var serving = ServeAsync(new NbdExport(device, "gated", ReadOnly: false, TimedDisks: true), burst.ToArray());
        Assert.IsTrue(device.WaitForWriters(NbdMergeBuffers.Count), "every write reaches the device");

        // Taken for every write, the eight lone writes held the whole budget while the device kept them waiting.
        int available = NbdMergeBuffers.Available;
        device.Open();
        var replies = await serving;

        Assert.AreEqual(NbdMergeBuffers.Count, available, "no gathering buffer is held by a write nothing continues");
        Assert.AreEqual(NbdMergeBuffers.Count, replies.Count);
    }

    [TestMethod]
    public async Task AWriteThatWaitedThroughAPowerLoss_DoesNotLand()
    {
        using var device = new Gated(1L << 30);
        var burst = LoneWrites(NbdTransmission.MaxInFlight);

        // The connection's slots are all taken: this write waits for one while power is lost and comes back.
        const long Late = 1L << 29;
        burst.Write(RawNbd.Message(RawNbd.CmdWrite, 50, Late, Piece, new byte[Piece], 0));
        burst.Write(RawNbd.Message(RawNbd.CmdDisconnect, 99, 0, 0, null, 0));
        var serving = ServeAsync(new NbdExport(device, "gated", ReadOnly: false, TimedDisks: true), burst.ToArray());
        Assert.IsTrue(device.WaitForWriters(NbdTransmission.MaxInFlight), "the first writes reach the device");
        Thread.Sleep(200); // time for the receiving loop to take the late write's header and wait for a slot
        device.PowerCycle++;
        device.Open();
        var replies = await serving;

        Assert.IsFalse(device.Offsets.Contains(Late), "a write received before the power loss must not land after it");
        Assert.IsFalse(replies.TryGetValue(50, out uint error) && error == 0, "nor be answered as written");
    }

    [TestMethod]
    public async Task AWriteWhosePayloadArrivesAcrossAPowerLoss_LandsNoFurtherThanTheLoss()
    {
        using var device = new Gated(1L << 30);
        using var tmp = new TempFolder();
        var endPoint = new UnixDomainSocketEndPoint(Path.Combine(tmp.Path, "s"));
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(endPoint);
        listener.Listen();
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(endPoint);
        using var served = await listener.AcceptAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var transmission = new NbdTransmission(new NetworkStream(served), new NbdExport(device, "gated", ReadOnly: false, TimedDisks: true));
        var running = transmission.RunAsync(timeout.Token);

        // A FUA write of two gathering buffers: its first piece reaches the device, then power is lost and comes
        // back, then the rest of the payload arrives.
        const int Half = NbdMergeBuffers.Size;
        var write = RawNbd.Message(RawNbd.CmdWrite, 1, 0, 2 * Half, new byte[2 * Half], 1);
        int header = write.Length - (2 * Half);
        await client.SendAsync(write.AsMemory(0, header + Half));
        Assert.IsTrue(device.WaitForWriters(1), "the first piece reaches the device");
        device.PowerCycle++;
        device.Open();
        await client.SendAsync(write.AsMemory(header + Half));
        await client.SendAsync(RawNbd.Message(RawNbd.CmdDisconnect, 2, 0, 0, null, 0));
        await running;
        served.Shutdown(SocketShutdown.Send);

        CollectionAssert.AreEqual(new long[] { 0 }, device.Offsets.ToList(), "only the piece written before the loss landed");
        using var stream = new NetworkStream(client);
        var head = new byte[16];
        if (await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false) == head.Length)
        {
            Assert.AreNotEqual(0u, BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4)), "the write is not answered as done");
        }
    }

    /// <summary>
    /// <paramref name="count"/> writes with gaps between them (cookies 1 to count), for a device that holds every
    /// write: each held write blocks a pool thread, so the pool gets enough of them at once (it would add one
    /// every half second).
    /// </summary>
    private static MemoryStream LoneWrites(int count)
    {
        ThreadPool.GetMinThreads(out int workers, out int ports);
        ThreadPool.SetMinThreads(Math.Max(workers, 2 * NbdTransmission.MaxInFlight), ports);
        var burst = new MemoryStream();
        for (int i = 0; i < count; i++)
        {
            burst.Write(RawNbd.Message(RawNbd.CmdWrite, (ulong)i + 1, (ulong)(i * 2 * Piece), Piece, new byte[Piece], 0));
        }

        return burst;
    }

    /// <summary>A 4-disk RAID 5 with 16 KiB chunks in memory.</summary>
    private static RaidArray Raid5()
    {
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid5, RaidDisks = 4, ChunkBytes = Chunk, AssumeClean = true, Name = "gather" };
        var devices = Enumerable.Range(0, 4)
            .Select(i => new MemberSource(new MemoryBlockDevice(ArrayCreateOptions.DataOffsetBytes + (16L * Chunk)), $"mem{i}"))
            .ToList();
        return ArrayCreator.Create(options, devices, new MemoryEventSink());
    }

    /// <summary>
    /// Puts <paramref name="requests"/> in the socket, then serves the connection until its DISC (timed disks, so
    /// nothing is served by the receiving loop itself); the error of each reply, by cookie, failing on a cookie answered twice.
    /// </summary>
    private static Task<Dictionary<ulong, uint>> ServeAsync(RaidArray array, byte[] requests) =>
        ServeAsync(new NbdExport(array, "gather", ReadOnly: false, TimedDisks: true, StripeBytes: array.Geometry.FullStripeBytes), requests);

    private static async Task<Dictionary<ulong, uint>> ServeAsync(NbdExport export, byte[] requests)
    {
        using var tmp = new TempFolder();
        var endPoint = new UnixDomainSocketEndPoint(Path.Combine(tmp.Path, "s"));
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(endPoint);
        listener.Listen();
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { SendBufferSize = 1024 * 1024 };
        await client.ConnectAsync(endPoint);
        using var served = await listener.AcceptAsync();
        var send = client.SendAsync(requests);
        Assert.IsTrue(send.Wait(TimeSpan.FromSeconds(10)), "the whole burst fits in the socket before serving starts");
        Assert.AreEqual(requests.Length, await send);

        using (var transmission = new NbdTransmission(new NetworkStream(served), export))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await transmission.RunAsync(timeout.Token);
        }

        served.Shutdown(SocketShutdown.Send);
        var replies = new Dictionary<ulong, uint>();
        using var stream = new NetworkStream(client);
        var head = new byte[16];
        while (await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false) == head.Length)
        {
            Assert.AreEqual(0x67446698u, BinaryPrimitives.ReadUInt32BigEndian(head), "simple reply magic");
            ulong cookie = BinaryPrimitives.ReadUInt64BigEndian(head.AsSpan(8));
            Assert.IsTrue(replies.TryAdd(cookie, BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4))), $"cookie {cookie} answered twice");
        }

        return replies;
    }

    /// <summary>A device that keeps nothing and holds every write until opened; it counts and records them.</summary>
    private sealed class Gated(long length) : IPowerCycledDevice
    {
        private readonly ManualResetEventSlim _open = new(false);
        private readonly System.Collections.Concurrent.ConcurrentBag<long> _offsets = [];
        private int _writers;

        public long Length => length;

        public int SectorSize => 512;

        public int PowerCycle { get; set; }

        public IReadOnlyCollection<long> Offsets => _offsets;

        public bool WaitForWriters(int count) => SpinWait.SpinUntil(() => Volatile.Read(ref _writers) >= count, 10_000);

        public void Open() => _open.Set();

        public void Read(long offset, Span<byte> destination) => destination.Clear();

        public void Write(long offset, ReadOnlySpan<byte> source)
        {
            _offsets.Add(offset);
            Interlocked.Increment(ref _writers);
            _open.Wait(TimeSpan.FromSeconds(20));
        }

        public void Flush()
        {
        }

        public void Dispose() => _open.Dispose();
    }

    /// <summary>A device of any size that keeps nothing: reads give zeroes.</summary>
    private sealed class Discarding(long length) : IBlockDevice
    {
        public long Length => length;

        public int SectorSize => 512;

        public void Read(long offset, Span<byte> destination) => destination.Clear();

        public void Write(long offset, ReadOnlySpan<byte> source)
        {
        }

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
