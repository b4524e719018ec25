using System.Buffers.Binary;
using System.Diagnostics;
using RaidEmu.Core.Devices;
using static RaidEmu.Live.Nbd.NbdProtocol;

namespace RaidEmu.Live.Nbd;

/// <summary>
/// The transmission phase of one connection, pipelined as nbdkit serves it: the receiving loop reads each
/// request's header and any write payload, then hands the request to the thread pool, up to
/// <see cref="MaxInFlight"/> at once, and reads the next. Requests finish in any order; each reply leaves
/// whole in one socket write (header and data together) under the send lock, and the client matches it by
/// its cookie. The NBD protocol orders nothing between requests in flight, and a FLUSH covers the writes
/// already answered: a write reaches the device before its reply is sent, so flushing the device when the
/// FLUSH runs is enough. A client that connected before the export lost power is dropped, as a rebooted
/// server would drop it. Payloads move through the shared budget of <see cref="NbdBuffers"/>, so memory
/// stays bounded whatever clients send; a write larger than one buffer is received and written piece by
/// piece by the receiving loop itself. A write followed by writes that continue it, already received, is
/// gathered with them into one array write up to a stripe's end (<see cref="GatherAsync"/>).
/// <para>
/// While the device answers quickly (members in the page cache), a read of up to one buffer or a small write is
/// served by the receiving loop itself and its reply joins a batch, sent in one socket write once no further request is
/// already received: handing each request to another thread and answering it alone cost more than the
/// request did. A device slower than <see cref="InlineTicks"/> on average (real disks, a slow fault) gets its
/// requests run side by side on the thread pool again, measured on every request either way; so does an array
/// with a disk timing profile, whatever its speed, so that clients see the queue depth of the disks it models.
/// A write with FUA waits for a flush and always goes to the pool. The batch is sent before anything that may
/// wait (the socket, the buffer budget, a free slot), so no reply waits on another client or on the client itself.
/// </para>
/// </summary>
internal sealed class NbdTransmission(Stream stream, NbdExport export) : IDisposable
{
    /// <summary>Requests of one connection served at once (nbdkit runs 16 threads per connection).</summary>
    public const int MaxInFlight = 16;

    /// <summary>Writes gathered into one after its first, at most.</summary>
    public const int MaxGathered = 63;

    private const int HeaderRoom = NbdBuffers.HeaderRoom;

    /// <summary>Writes up to this size may be served by the receiving loop; larger ones are dispatched, where continuing writes are gathered.</summary>
    private const int InlineWriteBytes = 64 * 1024;

    /// <summary>
    /// Reads up to one buffer may be served by the receiving loop: handing nbdcopy's 256 KiB reads to the pool cost
    /// the server about 10 % more CPU per byte than serving them here, in thread hand-offs.
    /// </summary>
    private const int InlineReadBytes = NbdBuffers.Size;

    /// <summary>Average device time per request below which the receiving loop serves small requests itself.</summary>
    private static readonly long InlineTicks = Stopwatch.Frequency / 10_000;

    /// <summary>The data a WRITE_ZEROES writes: never written into.</summary>
    private static readonly byte[] s_zeroes = new byte[NbdBuffers.Size];

    private readonly byte[] _header = new byte[28];
    private readonly byte[] _peeked = new byte[28];
    private readonly byte[] _reply = new byte[HeaderRoom];
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly SemaphoreSlim _slots = new(MaxInFlight, MaxInFlight);
    private readonly Stack<NbdRequest> _idle = new(MaxInFlight);
    private readonly CancellationTokenSource _abort = new();
    private readonly NbdReceiver _receiver = new(stream);

    // Replies of requests the receiving loop served, not sent yet; the buffer comes from the shared budget
    // and goes back after each send, so an idle connection holds none.
    private byte[]? _batch;
    private int _batched;

    // The export's power cycle when this connection began: nothing it received may land in a later one.
    private int _cycle;

    // Average device time of recent reads and writes (ticks); starts slow, so a connection begins on the pool.
    private long _averageTicks = 2 * InlineTicks;

    private IBlockDevice Device => export.Device;

    private int PowerCycle => (export.Device as IPowerCycledDevice)?.PowerCycle ?? 0;

    /// <summary>
    /// Serves requests until the client disconnects, breaks the protocol or the connection fails. After
    /// DISC (and a request that ends the connection) the requests already received are served and answered
    /// first, as the NBD protocol asks of DISC; when the connection broke, power was lost or the server
    /// stops, they are cancelled. Either way none is left running when this returns.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var stopping = ct.UnsafeRegister(static a => ((CancellationTokenSource)a!).Cancel(), _abort);
        bool finish = false;
        try
        {
            finish = await ReceiveAsync(_abort.Token).ConfigureAwait(false);
            if (finish)
            {
                await SendBatchAsync(_abort.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!finish)
            {
                await _abort.CancelAsync().ConfigureAwait(false);
            }

            // Replies not sent when the connection broke or power was lost: their buffer goes back to the
            // shared budget, or every such connection would take one from every other for good.
            if (_batch is { } unsent)
            {
                _batch = null;
                NbdBuffers.Return(unsent);
            }

            for (int i = 0; i < MaxInFlight; i++)
            {
                await _slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The receiving loop: true when the connection ends in order (requests in flight are answered), false when it must be dropped.</summary>
    private async Task<bool> ReceiveAsync(CancellationToken ct)
    {
        _cycle = PowerCycle;
        while (true)
        {
            // Nothing more has arrived: answer what was served before waiting for the client.
            if (_receiver.Buffered < _header.Length)
            {
                await SendBatchAsync(ct).ConfigureAwait(false);
            }

            await _receiver.ReadExactlyAsync(_header, ct).ConfigureAwait(false);

            // The export lost power since this client connected: drop it, as a rebooted server would.
            if (PowerCycle != _cycle)
            {
                return false;
            }

            if (BinaryPrimitives.ReadUInt32BigEndian(_header) != RequestMagic)
            {
                return true;
            }

            ushort flags = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(4));
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(6));
            ulong cookie = BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(8));
            ulong offset = BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(16));
            uint length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(24));
            uint refused = export.ReadOnly ? EPerm : !InRange(offset, length) ? ENoSpc : 0;
            switch (type)
            {
                case CmdDisconnect:
                    return true;
                case CmdRead when length > MaxPayload || !InRange(offset, length):
                    await ReplyAsync(_reply, cookie, EInval, ct).ConfigureAwait(false);
                    break;
                case CmdWrite when length > MaxPayload:
                    // Larger than any client may send: the payload cannot be trusted to be a payload.
                    return true;
                case CmdWrite when refused != 0 || length > NbdBuffers.Size:
                    // Its payload may take long to arrive, and its own buffer may have to wait for the budget.
                    await SendBatchAsync(ct).ConfigureAwait(false);
                    await WriteInPiecesAsync(flags, cookie, offset, length, refused, ct).ConfigureAwait(false);
                    break;
                case CmdRead or CmdWrite when length <= (type == CmdRead ? InlineReadBytes : InlineWriteBytes) && (flags & CmdFlagFua) == 0 && !export.TimedDisks && Volatile.Read(ref _averageTicks) < InlineTicks:
                    await ServeHereAsync(type, flags, cookie, offset, length, ct).ConfigureAwait(false);
                    break;
                case CmdRead or CmdWrite or CmdFlush:
                    await SendBatchAsync(ct).ConfigureAwait(false);
                    await DispatchAsync(type, flags, cookie, offset, length, ct).ConfigureAwait(false);
                    break;
                case CmdWriteZeroes when refused == 0:
                    await SendBatchAsync(ct).ConfigureAwait(false);
                    await DispatchAsync(type, flags, cookie, offset, length, ct).ConfigureAwait(false);
                    break;
                case CmdWriteZeroes:
                    await ReplyAsync(_reply, cookie, refused, ct).ConfigureAwait(false);
                    break;
                case CmdTrim:
                    // The data of a trimmed range becomes unspecified; keeping it is a valid answer.
                    await ReplyAsync(_reply, cookie, export.ReadOnly ? EPerm : InRange(offset, length) ? 0 : EInval, ct).ConfigureAwait(false);
                    break;
                default:
                    await ReplyAsync(_reply, cookie, EInval, ct).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>
    /// Takes a slot (and a buffer for data), receives a write's payload, and starts the request. A write
    /// without FUA gathers the writes that continue it and have already arrived (see <see cref="GatherAsync"/>).
    /// </summary>
    private async Task DispatchAsync(ushort type, ushort flags, ulong cookie, ulong offset, uint length, CancellationToken ct)
    {
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        NbdRequest request;
        lock (_idle)
        {
            request = _idle.Count > 0 ? _idle.Pop() : new NbdRequest(this);
        }

        request.Set(type, flags, cookie, offset, length);
        try
        {
            if (type is CmdRead or CmdWrite)
            {
                request.Buffer = await NbdBuffers.RentAsync(ct).ConfigureAwait(false);
                if (type == CmdWrite)
                {
                    await _receiver.ReadExactlyAsync(request.Buffer.AsMemory(HeaderRoom, (int)length), ct).ConfigureAwait(false);

                    // A gathering buffer is taken only once a continuing write is known to be there: taken for every
                    // write, lone writes held all eight and starved the gathering of other connections.
                    if ((flags & CmdFlagFua) == 0 && await NextContinuesAsync(request, ct).ConfigureAwait(false)
                        && NbdMergeBuffers.TryRent() is { } merge)
                    {
                        request.Buffer.AsSpan(HeaderRoom, (int)length).CopyTo(merge);
                        NbdBuffers.Return(request.Buffer);
                        request.Buffer = merge;
                        request.Merging = true;
                        await GatherAsync(request, ct).ConfigureAwait(false);
                    }
                }
            }
        }
        catch
        {
            Finished(request);
            throw;
        }

        request.Start();
    }

    /// <summary>
    /// Adds to a write the writes that continue it, while their headers have already arrived: consecutive
    /// writes become one array write, as the kernel's block layer merges them before md sees them, so a
    /// client writing a RAID 5 in pieces smaller than a stripe (nbdcopy sends 256 KiB) gets whole-stripe
    /// writes instead of a read-modify-write per piece. It never waits for a request that has not arrived,
    /// and stops at the end of a stripe, so the next write starts one.
    /// </summary>
    private async Task GatherAsync(NbdRequest request, CancellationToken ct)
    {
        while (request.GatheredCount < MaxGathered && await NextContinuesAsync(request, ct).ConfigureAwait(false))
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(_peeked.AsSpan(24));
            _receiver.Skip(_peeked.Length);
            await _receiver.ReadExactlyAsync(request.Buffer.AsMemory((int)request.Length, (int)length), ct).ConfigureAwait(false);
            request.Gather(BinaryPrimitives.ReadUInt64BigEndian(_peeked.AsSpan(8)), length);
        }
    }

    /// <summary>
    /// True when the next request has already arrived (its header is in <see cref="_peeked"/>, not taken) and is a
    /// write without FUA that starts where <paramref name="request"/> ends, fits in a gathering buffer with it, and
    /// the power cycle is still the one the connection began in.
    /// </summary>
    private async ValueTask<bool> NextContinuesAsync(NbdRequest request, CancellationToken ct)
    {
        long stripe = export.StripeBytes;
        ulong end = request.Offset + request.Length;

        // Stopping at every stripe end realigns a client that started mid-stripe: the next write starts one.
        if ((stripe > 0 && (long)(end % (ulong)stripe) == 0) || !await _receiver.TryPeekAsync(_peeked, ct).ConfigureAwait(false))
        {
            return false;
        }

        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(_peeked.AsSpan(4));
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(_peeked.AsSpan(6));
        ulong offset = BinaryPrimitives.ReadUInt64BigEndian(_peeked.AsSpan(16));
        uint length = BinaryPrimitives.ReadUInt32BigEndian(_peeked.AsSpan(24));
        return BinaryPrimitives.ReadUInt32BigEndian(_peeked) == RequestMagic && type == CmdWrite && (flags & CmdFlagFua) == 0
            && offset == end && length != 0 && (long)request.Length + length <= GatherLimit && InRange(offset, length) && PowerCycle == _cycle;
    }

    /// <summary>The most bytes one gathered write holds: whole stripes, as many as fit in a gathering buffer.</summary>
    private long GatherLimit => export.StripeBytes is > 0 and <= NbdMergeBuffers.Size
        ? NbdMergeBuffers.Size / export.StripeBytes * export.StripeBytes
        : NbdMergeBuffers.Size;

    /// <summary>Runs a request on the thread pool and answers it; a reply that cannot be sent drops the connection.</summary>
    internal async Task ServeAsync(NbdRequest request)
    {
        var ct = _abort.Token;
        try
        {
            if (request.Type == CmdRead)
            {
                await ReadAsync(request, ct).ConfigureAwait(false);
            }
            else
            {
                uint error = Perform(request);
                if (request.Merging)
                {
                    await ReplyGatheredAsync(request, error, ct).ConfigureAwait(false);
                }
                else
                {
                    await ReplyAsync(request.Buffer ?? request.Head, request.Cookie, error, ct).ConfigureAwait(false);
                }
            }
        }
#pragma warning disable CA1031 // Whatever ends a reply (the client left, the server stops) ends this connection only.
        catch (Exception)
#pragma warning restore CA1031
        {
            await _abort.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            Finished(request);
        }
    }

    /// <summary>
    /// Serves a small read or write in the receiving loop: the payload is received into the batch buffer
    /// after the replies already there, and the reply (with a read's data) takes its place.
    /// </summary>
    private async Task ServeHereAsync(ushort type, ushort flags, ulong cookie, ulong offset, uint length, CancellationToken ct)
    {
        int payload = (int)length;
        if (_batch != null && _batched + HeaderRoom + payload > _batch.Length)
        {
            await SendBatchAsync(ct).ConfigureAwait(false);
        }

        // A payload still on its way: the client may wait for replies before sending the rest, so send them first.
        if (type == CmdWrite && _receiver.Buffered < payload)
        {
            await SendBatchAsync(ct).ConfigureAwait(false);
        }

        _batch ??= await NbdBuffers.RentAsync(ct).ConfigureAwait(false);
        var data = _batch.AsMemory(_batched + HeaderRoom, payload);
        if (type == CmdWrite)
        {
            await _receiver.ReadExactlyAsync(data, ct).ConfigureAwait(false);
        }

        uint error = type == CmdRead ? Attempt(offset, data.Span) : Perform(type, flags, offset, data.Span);
        WriteReply(_batch.AsSpan(_batched), cookie, error);
        _batched += HeaderRoom + (type == CmdRead && error == 0 ? payload : 0);
    }

    /// <summary>Sends the replies batched so far in one socket write and gives the buffer back.</summary>
    private async Task SendBatchAsync(CancellationToken ct)
    {
        if (_batch is not { } batch)
        {
            return;
        }

        int used = _batched;
        _batch = null;
        _batched = 0;
        try
        {
            if (used > 0)
            {
                await SendAsync(batch.AsMemory(0, used), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            NbdBuffers.Return(batch);
        }
    }

    private void Finished(NbdRequest request)
    {
        if (request.Buffer is { } buffer)
        {
            request.Buffer = null;
            if (request.Merging)
            {
                NbdMergeBuffers.Return(buffer);
            }
            else
            {
                NbdBuffers.Return(buffer);
            }
        }

        lock (_idle)
        {
            _idle.Push(request);
        }

        _slots.Release();
    }

    /// <summary>
    /// With simple replies the error goes in the header, before the data: the first piece is read before
    /// the header goes out, together with it. A read longer than a buffer sends the rest piece by piece
    /// under the send lock; a later piece that fails cannot be reported, so the connection ends, which the
    /// client sees as a failed read.
    /// </summary>
    private async Task ReadAsync(NbdRequest request, CancellationToken ct)
    {
        var buffer = request.Buffer!;
        int first = (int)Math.Min(NbdBuffers.Size, request.Length);
        uint error = Attempt(request.Offset, buffer.AsSpan(HeaderRoom, first));
        WriteReply(buffer, request.Cookie, error);
        await _send.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(buffer.AsMemory(0, HeaderRoom + (error == 0 ? first : 0)), ct).ConfigureAwait(false);
            for (long done = first; error == 0 && done < request.Length;)
            {
                int n = (int)Math.Min(NbdBuffers.Size, request.Length - done);
                if (Attempt(request.Offset + (ulong)done, buffer.AsSpan(HeaderRoom, n)) != 0)
                {
                    await _abort.CancelAsync().ConfigureAwait(false);
                    return;
                }

                await stream.WriteAsync(buffer.AsMemory(HeaderRoom, n), ct).ConfigureAwait(false);
                done += n;
            }
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>
    /// A write the receiving loop serves itself: one larger than a buffer, or one refused. The payload is
    /// always consumed, piece by piece, whatever the answer; each piece is written as it arrives.
    /// </summary>
    private async Task WriteInPiecesAsync(ushort flags, ulong cookie, ulong offset, uint length, uint error, CancellationToken ct)
    {
        // With a gathering buffer the pieces are whole stripes, each starting where a stripe does.
        var merge = error == 0 ? NbdMergeBuffers.TryRent() : null;
        var buffer = merge ?? await NbdBuffers.RentAsync(ct).ConfigureAwait(false);
        int room = merge == null ? HeaderRoom : 0;
        long piece = merge == null ? NbdBuffers.Size : GatherLimit;
        long stripe = merge != null && export.StripeBytes > 0 && piece % export.StripeBytes == 0 ? export.StripeBytes : 1;
        try
        {
            for (long done = 0; done < length;)
            {
                long start = (long)offset + done;
                int n = (int)Math.Min(piece - (start % stripe), length - done);
                await _receiver.ReadExactlyAsync(buffer.AsMemory(room, n), ct).ConfigureAwait(false);
                if (error == 0)
                {
                    error = Attempt(CmdWrite, (ulong)start, buffer.AsSpan(room, n));
                }

                done += n;
            }
        }
        finally
        {
            if (merge != null)
            {
                NbdMergeBuffers.Return(merge);
            }
            else
            {
                NbdBuffers.Return(buffer);
            }
        }

        if (error == 0 && (flags & CmdFlagFua) != 0)
        {
            error = Attempt(CmdFlush, 0, default);
        }

        await ReplyAsync(_reply, cookie, error, ct).ConfigureAwait(false);
    }

    /// <summary>The device work of a WRITE, WRITE_ZEROES or FLUSH (with FUA: flushed before the reply); the NBD error.</summary>
    private uint Perform(NbdRequest request) =>
        Perform(request.Type, request.Flags, request.Offset, request.Type == CmdWrite ? request.Buffer.AsSpan(request.Merging ? 0 : HeaderRoom, (int)request.Length) : default, request.Length);

    private uint Perform(ushort type, ushort flags, ulong offset, ReadOnlySpan<byte> data, uint length = 0)
    {
        uint error = type switch
        {
            CmdWrite => Attempt(CmdWrite, offset, data),
            CmdWriteZeroes => WriteZeroes(offset, length),
            _ => 0,
        };
        return error == 0 && (type == CmdFlush || (flags & CmdFlagFua) != 0) ? Attempt(CmdFlush, 0, default) : error;
    }

    private uint WriteZeroes(ulong offset, uint length)
    {
        for (long done = 0; done < length;)
        {
            int n = (int)Math.Min(s_zeroes.Length, length - done);
            uint error = Attempt(CmdWrite, offset + (ulong)done, s_zeroes.AsSpan(0, n));
            if (error != 0)
            {
                return error;
            }

            done += n;
        }

        return 0;
    }

    private uint Attempt(ulong offset, Span<byte> into)
    {
        try
        {
            long started = Stopwatch.GetTimestamp();
            try
            {
                Device.Read((long)offset, into);
            }
            finally
            {
                Measured(started);
            }

            return 0;
        }
        catch (Exception ex) when (ErrorOf(ex) != 0)
        {
            return ErrorOf(ex);
        }
    }

    /// <summary>
    /// A write (of <paramref name="data"/>) or a flush; the NBD error. Power lost and back since the connection
    /// began (while a request waited for a slot, for gathering, or for the rest of its payload) makes it EIO: the
    /// connection belongs to the server that lost power, and what it received must not land in the next cycle.
    /// </summary>
    private uint Attempt(ushort type, ulong offset, ReadOnlySpan<byte> data)
    {
        if (PowerCycle != _cycle)
        {
            return EIo;
        }

        try
        {
            if (type == CmdFlush)
            {
                Device.Flush();
            }
            else
            {
                long started = Stopwatch.GetTimestamp();
                try
                {
                    Device.Write((long)offset, data);
                }
                finally
                {
                    // A device that fails slowly is slow: its requests go back to overlapping on the pool.
                    Measured(started);
                }
            }

            return 0;
        }
        catch (Exception ex) when (ErrorOf(ex) != 0)
        {
            return ErrorOf(ex);
        }
    }

    /// <summary>
    /// An I/O error becomes EIO for this request. So does a file closed under the request (the power was
    /// cut while it ran) or an array that stopped: the client gets an error, never the server. A full host
    /// file system is ENOSPC, as the NBD protocol lets a server say, so the client sees it is not a disk
    /// fault. Anything else (0) is a bug and ends the connection.
    /// </summary>
    private static uint ErrorOf(Exception ex) => ex switch
    {
        HostFullException => ENoSpc,
        IOException or InvalidOperationException => EIo,
        _ => 0,
    };

    // A running average over about the last eight requests; racing updates from pool threads only blur it.
    private void Measured(long started)
    {
        long took = Stopwatch.GetTimestamp() - started;
        long average = Volatile.Read(ref _averageTicks);
        Volatile.Write(ref _averageTicks, average + ((took - average) / 8));
    }

    private bool InRange(ulong offset, uint length) => offset <= (ulong)Device.Length && length <= (ulong)Device.Length - offset;

    private static void WriteReply(Span<byte> head, ulong cookie, uint error)
    {
        BinaryPrimitives.WriteUInt32BigEndian(head, SimpleReplyMagic);
        BinaryPrimitives.WriteUInt32BigEndian(head[4..], error);
        BinaryPrimitives.WriteUInt64BigEndian(head[8..], cookie);
    }

    /// <summary>A reply without data, built in <paramref name="head"/> (only its first 16 bytes are sent).</summary>
    private Task ReplyAsync(byte[] head, ulong cookie, uint error, CancellationToken ct)
    {
        WriteReply(head, cookie, error);
        return SendAsync(head.AsMemory(0, HeaderRoom), ct);
    }

    /// <summary>The replies of a gathered write, all with its error, in one socket write from the buffer its data left.</summary>
    private Task ReplyGatheredAsync(NbdRequest request, uint error, CancellationToken ct)
    {
        var buffer = request.Buffer!;
        WriteReply(buffer, request.Cookie, error);
        for (int i = 0; i < request.GatheredCount; i++)
        {
            WriteReply(buffer.AsSpan((i + 1) * HeaderRoom), request.Gathered[i], error);
        }

        return SendAsync(buffer.AsMemory(0, (request.GatheredCount + 1) * HeaderRoom), ct);
    }

    /// <summary>One socket write under the send lock, so replies never interleave.</summary>
    private async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await _send.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        }
        finally
        {
            _send.Release();
        }
    }

    public void Dispose()
    {
        _send.Dispose();
        _slots.Dispose();
        _abort.Dispose();
    }
}
