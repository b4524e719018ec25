using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>
/// The receiving loop's reply batch: a reply the loop has already produced must not wait on
/// anything but the socket, or a client (or every client) waits on itself.
/// </summary>
[TestClass]
public sealed class NbdReplyBatchTests
{
    private const int Big = 512 * 1024;

    /// <summary>
    /// A READ served by the loop, then the header of a write larger than one buffer: the READ's reply must go out
    /// without waiting for that write's payload (as ServeHereAsync already ensures for small writes).
    /// </summary>
    [TestMethod]
    public void ReadReply_IsNotHeldWhileALargeWritesPayloadIsAwaited()
    {
        using var tmp = new TempFolder();
        string array = Raid5(tmp, "held");
        using var server = Server.Serve(array);
        using var client = RawNbd.Open(server.Port);
        WarmUp(client);

        var together = new MemoryStream();
        together.Write(RawNbd.Message(RawNbd.CmdRead, 1, 0, 4096, null, 0));
        together.Write(RawNbd.Message(RawNbd.CmdWrite, 2, 0, Big, null, 0));
        client.Send(together.ToArray());

        bool answered = ReplyWithin(client, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult() == 1;
        client.Send(new byte[Big]);
        Assert.IsTrue(answered, "the READ's reply waited for the next write's payload");
    }

    /// <summary>
    /// 128 connections each hold a buffer of the shared budget for a large write whose payload has not come yet;
    /// 128 more, in the loop-served mode, each send a READ and a large WRITE header and queue for a batch buffer.
    /// When the first 128 finish, every buffer becomes a batch whose holder then waits for a second buffer to
    /// receive its write: no buffer is ever returned again, and the whole server stops answering.
    /// </summary>
    [TestMethod]
    public void BatchesHeldWhileRentingForALargeWrite_DoNotDeadlockTheSharedBudget()
    {
        using var tmp = new TempFolder();
        string array = Raid5(tmp, "budget");
        using var server = Server.Serve(array);
        var holders = new List<RawNbd>();
        var waiters = new List<RawNbd>();
        try
        {
            for (int i = 0; i < 128; i++)
            {
                var waiter = RawNbd.Open(server.Port);
                waiters.Add(waiter);
                WarmUp(waiter);
            }

            for (int i = 0; i < 128; i++)
            {
                var holder = RawNbd.Open(server.Port);
                holders.Add(holder);
                holder.SendRequest(RawNbd.CmdWrite, 1, 0, Big, null, 0);
            }

            Thread.Sleep(1000);
            foreach (var waiter in waiters)
            {
                var together = new MemoryStream();
                together.Write(RawNbd.Message(RawNbd.CmdRead, 1, 0, 4096, null, 0));
                together.Write(RawNbd.Message(RawNbd.CmdWrite, 2, 0, Big, null, 0));
                waiter.Send(together.ToArray());
            }

            Thread.Sleep(1000);
            var payload = new byte[Big];
            Parallel.ForEach(holders, h =>
            {
                h.Send(payload);
                Assert.AreEqual(0u, h.ReadReply(1));
            });

            var replies = waiters.Select(w => ReplyWithin(w, TimeSpan.FromSeconds(15))).ToArray();
            int answered = replies.Count(r => r.GetAwaiter().GetResult() == 1);

            Assert.AreEqual(128, answered, "READs served by the loop were never answered: the buffer budget deadlocked");
        }
        finally
        {
            holders.ForEach(h => h.Dispose());
            waiters.ForEach(w => w.Dispose());
        }
    }

    /// <summary>
    /// Reads of up to one buffer (256 KiB) are served by the loop once it is warm, and batched with small ones: sent
    /// together, small and full-buffer reads, one a byte larger (dispatched) and one across chunks, each must come
    /// back with its own bytes.
    /// </summary>
    [TestMethod]
    public void LoopServedReadsUpToOneBuffer_ReturnTheirOwnBytes()
    {
        using var tmp = new TempFolder();
        string array = Raid5(tmp, "bigreads");
        using var server = Server.Serve(array);
        using var client = RawNbd.Open(server.Port);
        var data = new byte[2 * 1024 * 1024];
        new Random(5).NextBytes(data);
        for (int at = 0; at < data.Length; at += 256 * 1024)
        {
            client.Write(at, data.AsSpan(at, 256 * 1024).ToArray());
        }

        WarmUp(client);
        (long Offset, int Length)[] reads =
        [
            (0, 4096), (4096, 256 * 1024), (300_000, 4096), (65_536 - 512, 256 * 1024), (512 * 1024, 256 * 1024 + 1),
            (1024 * 1024 + 7, 256 * 1024), (8192, 512), (1536 * 1024, 256 * 1024),
        ];
        var together = new MemoryStream();
        for (int i = 0; i < reads.Length; i++)
        {
            together.Write(RawNbd.Message(RawNbd.CmdRead, (ulong)i + 1, (ulong)reads[i].Offset, (uint)reads[i].Length, null, 0));
        }

        client.Send(together.ToArray());
        var seen = new HashSet<ulong>();
        for (int i = 0; i < reads.Length; i++)
        {
            var (cookie, error) = client.ReadAnyReply();
            Assert.AreEqual(0u, error, $"read {cookie}");
            Assert.IsTrue(cookie is >= 1 && (int)cookie <= reads.Length && seen.Add(cookie), $"unexpected cookie {cookie}");
            var (offset, length) = reads[cookie - 1];
            CollectionAssert.AreEqual(data.AsSpan((int)offset, length).ToArray(), client.ReadExactly(length), $"bytes of read {cookie} ({length} at {offset})");
        }
    }

    /// <summary>The cookie of the next reply (header only), or 0 when none came in time.</summary>
    private static async Task<ulong> ReplyWithin(RawNbd client, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var head = new byte[16];
        try
        {
            await client.Stream.ReadExactlyAsync(head, cts.Token);
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(head.AsSpan(8));
    }

    /// <summary>Small sequential reads bring the connection's average device time below the loop threshold.</summary>
    private static void WarmUp(RawNbd client)
    {
        for (int i = 0; i < 40; i++)
        {
            client.Read(i * 4096L, 4096);
        }
    }

    private static string Raid5(TempFolder tmp, string name)
    {
        string array = tmp.Combine(name);
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "9M", "--chunk", "64K", "--assume-clean").Ok();
        return array;
    }
}
