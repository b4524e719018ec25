using System.Collections.Concurrent;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>
/// One connection with many requests in flight, as nbdcopy, fio and qemu send them: every request is
/// answered once, by its cookie, with its own bytes; DISC and a broken request still answer what came
/// before; FLUSH and FUA keep what they promise across a power cut; memory stays bounded.
/// </summary>
[TestClass]
public sealed class NbdPipelineTests
{
    private const int Slot = 64 * 1024;
    private const ushort CmdWriteZeroes = 6;

    [TestMethod]
    public void PipelinedWritesAndReads_AreAnsweredByCookie_WithTheirOwnBytes()
    {
        using var tmp = new TempFolder();
        string array = Raid5(tmp, "pipe");
        using var server = Server.Serve(array);
        using var client = RawNbd.Open(server.Port);
        int slots = (int)(client.Size / Slot);
        var model = new byte[slots][];
        for (int s = 0; s < slots; s++)
        {
            model[s] = new byte[Slot];
        }

        // At most one request per 64 KiB slot is in flight, so what each read must see is known; neighbouring
        // slots share RAID 5 stripes, so requests in flight together update the same parity.
        var busy = new bool[slots];
        var pending = new ConcurrentDictionary<ulong, (ushort Type, int Slot, int At, byte[] Data)>();
        using var inFlight = new SemaphoreSlim(40);
        var random = new Random(12);
        const int Requests = 3000;
        var failures = new ConcurrentQueue<string>();
        var receiver = Task.Run(() =>
        {
            for (int i = 0; i < Requests; i++)
            {
                var (cookie, error) = client.ReadAnyReply();
                if (!pending.TryRemove(cookie, out var request))
                {
                    failures.Enqueue($"reply for unknown or answered cookie {cookie}");
                    return;
                }

                if (error != 0)
                {
                    failures.Enqueue($"request {cookie} failed with {error}");
                }

                if (request.Type == RawNbd.CmdRead)
                {
                    var data = client.ReadExactly(request.Data.Length);
                    if (!data.AsSpan().SequenceEqual(request.Data))
                    {
                        failures.Enqueue($"read {cookie} of slot {request.Slot} returned other bytes");
                    }
                }

                lock (busy)
                {
                    busy[request.Slot] = false;
                }

                inFlight.Release();
            }
        });

        for (ulong cookie = 1; cookie <= Requests && failures.IsEmpty; cookie++)
        {
            Assert.IsTrue(inFlight.Wait(TimeSpan.FromSeconds(60)), "replies stopped coming");
            int slot;
            lock (busy)
            {
                do
                {
                    slot = random.Next(slots);
                }
                while (busy[slot]);
                busy[slot] = true;
            }

            int at = random.Next(Slot / 512) * 512;
            int length = Math.Max(512, random.Next((Slot - at) / 512 + 1) * 512);
            length = Math.Min(length, Slot - at);
            long offset = ((long)slot * Slot) + at;
            switch (random.Next(4))
            {
                case 0 or 1:
                    var data = new byte[length];
                    random.NextBytes(data);
                    data.CopyTo(model[slot], at);
                    pending[cookie] = (RawNbd.CmdWrite, slot, at, data);
                    client.SendRequest(RawNbd.CmdWrite, cookie, (ulong)offset, (uint)length, data, random.Next(8) == 0 ? (ushort)1 : (ushort)0);
                    break;
                case 2:
                    Array.Clear(model[slot], at, length);
                    pending[cookie] = (CmdWriteZeroes, slot, at, []);
                    client.SendRequest(CmdWriteZeroes, cookie, (ulong)offset, (uint)length, null, 0);
                    break;
                default:
                    pending[cookie] = (RawNbd.CmdRead, slot, at, model[slot].AsSpan(at, length).ToArray());
                    client.SendRequest(RawNbd.CmdRead, cookie, (ulong)offset, (uint)length, null, 0);
                    break;
            }
        }

        Assert.IsTrue(receiver.Wait(TimeSpan.FromSeconds(120)), "not every request was answered");
        Assert.IsTrue(failures.IsEmpty, string.Join("\n", failures.Take(5)));
        Assert.IsTrue(pending.IsEmpty, $"{pending.Count} requests unanswered");

        // A read longer than the server's buffers, of the whole volume, matches too.
        var whole = client.Read(0, slots * Slot);
        for (int s = 0; s < slots; s++)
        {
            CollectionAssert.AreEqual(model[s], whole.AsSpan(s * Slot, Slot).ToArray(), $"slot {s}");
        }
    }

    /// <summary>
    /// Hundreds of requests in one socket write, as a client at high queue depth sends them: headers and
    /// payloads straddle every boundary of the server's receive buffer, small requests are served by its
    /// receiving loop and answered in batches, large ones on the thread pool. Every request is answered once
    /// with its own bytes, and DISC right after a burst still gets every reply out first.
    /// </summary>
    [TestMethod]
    public void BurstsOfRequestsInOneSocketWrite_AreAllAnsweredWithTheirOwnBytes()
    {
        using var tmp = new TempFolder();
        string array = Raid5(tmp, "burst");
        using var server = Server.Serve(array);
        var random = new Random(5);
        var extents = new List<(long Offset, byte[] Data)>();
        long at = 0;
        for (int i = 0; i < 300; i++)
        {
            // Mostly small and of odd sizes; now and then larger than the loop serves itself.
            int length = i % 37 == 0 ? 96 * 1024 + random.Next(4096) : 1 + random.Next(9000);
            extents.Add((at, Random(random, length)));
            at += length + random.Next(3) * 512;
        }

        using (var client = RawNbd.Open(server.Port))
        {
            // One request per extent, cookies 1..N, then the closing request; all in one buffer.
            byte[] Burst(ushort type, ushort last, ulong lastCookie)
            {
                var burst = new MemoryStream();
                for (int i = 0; i < extents.Count; i++)
                {
                    var (offset, data) = extents[i];
                    burst.Write(RawNbd.Message(type, (ulong)i + 1, (ulong)offset, (uint)data.Length, type == RawNbd.CmdWrite ? data : null, 0));
                }

                burst.Write(RawNbd.Message(last, lastCookie, 0, 0, null, 0));
                return burst.ToArray();
            }

            client.Send(Burst(RawNbd.CmdWrite, RawNbd.CmdFlush, 10_000));
            ExpectReplies(client, extents.Count + 1);
            client.Send(Burst(RawNbd.CmdRead, RawNbd.CmdDisconnect, 0));
            var answered = new HashSet<ulong>();
            for (int n = 0; n < extents.Count; n++)
            {
                var (cookie, error) = client.ReadAnyReply();
                Assert.AreEqual(0u, error, $"read {cookie}");
                Assert.IsTrue(cookie >= 1 && cookie <= (ulong)extents.Count && answered.Add(cookie), $"cookie {cookie} unknown or answered twice");
                var want = extents[(int)cookie - 1].Data;
                CollectionAssert.AreEqual(want, client.ReadExactly(want.Length), $"read {cookie} of {want.Length} bytes");
            }

            Assert.IsTrue(client.ClosedByServer(TimeSpan.FromSeconds(10)), "the server kept the connection after DISC");
        }

        // A fresh connection sees the same bytes: the replies came after the writes reached the array.
        using var check = RawNbd.Open(server.Port);
        foreach (var (offset, data) in extents.Where((_, i) => i % 10 == 0))
        {
            CollectionAssert.AreEqual(data, check.Read(offset, data.Length), $"extent at {offset}");
        }
    }

    /// <summary>
    /// Connections that break in the middle of a write the receiving loop serves itself, far more of them than
    /// the server has buffers: each gives its buffer back, so a client afterwards is still served.
    /// </summary>
    [TestMethod]
    public void ConnectionsBrokenMidWrite_GiveTheirBuffersBack()
    {
        using var tmp = new TempFolder();
        string array = Raid5(tmp, "broken");
        using var server = Server.Serve(array);
        var block = new byte[4096];
        for (int c = 0; c < 200; c++)
        {
            using var client = RawNbd.Open(server.Port);

            // Quick writes first, so the connection serves small requests in its receiving loop.
            for (int i = 0; i < 20; i++)
            {
                block[0] = (byte)i;
                client.Write(i * 4096L, block);
            }

            var torn = RawNbd.Message(RawNbd.CmdWrite, 99, 0, 4096, block, 0);
            client.Send(torn.AsSpan(0, 28 + 100));
        }

        using var check = RawNbd.Open(server.Port);
        var read = Task.Run(() => check.Read(0, 20 * 4096));
        Assert.IsTrue(read.Wait(TimeSpan.FromSeconds(30)), "a read after the broken connections got no buffer");
        Assert.AreEqual((byte)19, read.Result[19 * 4096]);
    }

    [TestMethod]
    public void DisconnectOrGarbage_WithRequestsInFlight_AnswersThemBeforeClosing()
    {
        using var tmp = new TempFolder();
        string array = Raid5(tmp, "disc");
        using var server = Server.Serve(array);
        foreach (bool garbage in new[] { false, true })
        {
            var blocks = new List<byte[]>();
            using (var client = RawNbd.Open(server.Port))
            {
                var random = new Random(garbage ? 2 : 1);
                for (int i = 0; i < 40; i++)
                {
                    var block = new byte[Slot];
                    random.NextBytes(block);
                    blocks.Add(block);
                    client.SendRequest(RawNbd.CmdWrite, (ulong)(i + 1), (ulong)(i * Slot), Slot, block, 0);
                }

                client.SendRequest(RawNbd.CmdRead, 41, 0, (uint)(4 * Slot), null, 0);
                if (garbage)
                {
                    client.Send(new byte[28]);
                }
                else
                {
                    client.Disconnect();
                }

                var answered = new HashSet<ulong>();
                for (int i = 0; i < 41; i++)
                {
                    var (cookie, error) = client.ReadAnyReply();
                    Assert.AreEqual(0u, error, $"request {cookie}");
                    Assert.IsTrue(answered.Add(cookie), $"cookie {cookie} answered twice");
                    if (cookie == 41)
                    {
                        // Writes and the read were in flight together: the read sees, per block, old or new bytes.
                        var data = client.ReadExactly(4 * Slot);
                        for (int b = 0; b < 4; b++)
                        {
                            var got = data.AsSpan(b * Slot, Slot);
                            Assert.IsTrue(got.SequenceEqual(blocks[b]) || got.IndexOfAnyExcept((byte)0) < 0, $"block {b} is torn");
                        }
                    }
                }

                Assert.IsTrue(client.ClosedByServer(TimeSpan.FromSeconds(10)), "the server kept the connection");
            }

            using var check = RawNbd.Open(server.Port);
            for (int i = 0; i < blocks.Count; i++)
            {
                CollectionAssert.AreEqual(blocks[i], check.Read(i * Slot, Slot), $"write {i} (garbage: {garbage})");
            }

            // The next round writes other bytes: clear, so the torn check above stays meaningful.
            check.Write(0, new byte[4 * Slot]);
        }
    }

    [TestMethod]
    public void FlushAndFua_WithWritesInFlight_KeepWhatTheyPromise_AcrossAPowerCut()
    {
        using var tmp = new TempFolder();
        string array = Raid5(tmp, "flush");
        using var server = Server.Serve(array);
        var random = new Random(3);
        var flushed = new Dictionary<int, byte[]>();
        using (var client = RawNbd.Open(server.Port))
        {
            // Answered before the FLUSH is sent: the FLUSH must make them durable.
            ulong cookie = 0;
            for (int i = 0; i < 24; i++)
            {
                flushed[i] = Random(random);
                client.SendRequest(RawNbd.CmdWrite, ++cookie, (ulong)(i * Slot), Slot, flushed[i], 0);
            }

            ExpectReplies(client, 24);

            // The FLUSH goes out with other writes in flight around it; FUA writes among them are durable once answered.
            for (int i = 24; i < 72; i++)
            {
                if (i == 40)
                {
                    client.SendRequest(RawNbd.CmdFlush, ++cookie, 0, 0, null, 0);
                }

                var block = Random(random);
                bool fua = i % 3 == 0;
                if (fua)
                {
                    flushed[i] = block;
                }

                client.SendRequest(RawNbd.CmdWrite, ++cookie, (ulong)(i * Slot), Slot, block, fua ? (ushort)1 : (ushort)0);
            }

            ExpectReplies(client, 49);
        }

        Cli.Run("psu", "outage", array, "--ms", "30").Ok();
        using var check = RawNbd.Open(server.Port);
        foreach (var (i, block) in flushed)
        {
            CollectionAssert.AreEqual(block, check.Read(i * Slot, Slot), $"flushed write {i} was lost in the power cut");
        }
    }

    [TestMethod]
    public void ClientsPipeliningFasterThanTheArray_KeepTheServerInBoundedMemory()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("flood");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "40M", "--chunk", "64K", "--assume-clean").Ok();
        using var server = Server.Serve(array);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var block = Random(new Random(4), 256 * 1024);

        // Writers that send as fast as the socket takes them and collect replies on the side.
        var writers = Enumerable.Range(0, 24).Select(w => Task.Factory.StartNew(() =>
        {
            using var client = RawNbd.Open(server.Port);
            long sent = 0;
            using var sending = new ManualResetEventSlim();
            var replies = Task.Factory.StartNew(() =>
            {
                long received = 0;
                while (!sending.IsSet || received < Volatile.Read(ref sent))
                {
                    if (sending.IsSet || received < Volatile.Read(ref sent))
                    {
                        var (_, error) = client.ReadAnyReply();
                        Assert.AreEqual(0u, error);
                        received++;
                    }
                    else
                    {
                        Thread.Sleep(1);
                    }
                }

                return received;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            long blocks = (client.Size / block.Length) - 1;
            while (sent < 16 || !stop.IsCancellationRequested)
            {
                client.SendRequest(RawNbd.CmdWrite, (ulong)sent + 1, (ulong)(((sent * 7) + w) % blocks * block.Length), (uint)block.Length, block, 0);
                Interlocked.Increment(ref sent);
            }

            sending.Set();
            Assert.IsTrue(replies.Wait(TimeSpan.FromSeconds(120)), "replies stopped");
            return replies.Result;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        // Readers that never read their replies: each may pin its requests in flight, not more.
        var stalled = Enumerable.Range(0, 3).Select(_ => RawNbd.Open(server.Port)).ToList();
        foreach (var client in stalled)
        {
            for (int i = 0; i < 64; i++)
            {
                client.SendRequest(RawNbd.CmdRead, (ulong)i + 1, 0, 256 * 1024, null, 0);
            }
        }

        Assert.IsTrue(Task.WaitAll(writers, TimeSpan.FromSeconds(180)), "a writer hung");
        Assert.IsTrue(writers.All(w => w.Result > 0));
        NbdHardeningTests.WriteAndReadBack(server.Port, 65536, 0x2d);
        stalled.ForEach(c => c.Dispose());
        long peak = server.PeakRss();
        Assert.IsTrue(peak < 256L * 1024 * 1024, $"peak RSS {peak / 1048576} MiB");
    }

    private static void ExpectReplies(RawNbd client, int count)
    {
        var seen = new HashSet<ulong>();
        for (int i = 0; i < count; i++)
        {
            var (cookie, error) = client.ReadAnyReply();
            Assert.AreEqual(0u, error, $"request {cookie}");
            Assert.IsTrue(seen.Add(cookie), $"cookie {cookie} answered twice");
        }
    }

    private static byte[] Random(Random random, int length = Slot)
    {
        var block = new byte[length];
        random.NextBytes(block);
        return block;
    }

    private static string Raid5(TempFolder tmp, string name)
    {
        string array = tmp.Combine(name);
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "9M", "--chunk", "64K", "--assume-clean").Ok();
        return array;
    }
}
