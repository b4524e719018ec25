using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using RaidEmu.Core.Devices;
using static RaidEmu.Live.Nbd.NbdProtocol;

namespace RaidEmu.Live.Nbd;

/// <summary>
/// One client: the fixed-newstyle handshake, then requests served in order with simple replies. Several
/// connections run at once; the array's stripe locks keep their writes consistent.
/// </summary>
internal sealed class NbdConnection(Stream stream, IBlockDevice device, string exportName, bool readOnly)
{
    private readonly byte[] _header = new byte[28];
    private bool _noZeroes;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await HandshakeAsync(cancellationToken).ConfigureAwait(false))
            {
                await TransmitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (EndOfStreamException)
        {
            // fio closes its probe connection without NBD_CMD_DISC: an ordinary end.
        }
        catch (IOException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            // Clients wait for the server to close the socket after DISC or ABORT.
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ushort TransmissionFlags =>
        (ushort)(TransHasFlags | TransSendFlush | TransSendFua | TransSendTrim | TransSendWriteZeroes | TransCanMultiConn
            | (readOnly ? TransReadOnly : 0));

    private async Task<bool> HandshakeAsync(CancellationToken ct)
    {
        var hello = new byte[18];
        BinaryPrimitives.WriteUInt64BigEndian(hello, InitMagic);
        BinaryPrimitives.WriteUInt64BigEndian(hello.AsSpan(8), OptionMagic);
        BinaryPrimitives.WriteUInt16BigEndian(hello.AsSpan(16), FlagFixedNewstyle | FlagNoZeroes);
        await stream.WriteAsync(hello, ct).ConfigureAwait(false);

        var flags = await ReadExactAsync(4, ct).ConfigureAwait(false);
        uint clientFlags = BinaryPrimitives.ReadUInt32BigEndian(flags);
        if ((clientFlags & ~3u) != 0)
        {
            return false;
        }

        _noZeroes = (clientFlags & FlagNoZeroes) != 0;
        while (true)
        {
            var head = await ReadExactAsync(16, ct).ConfigureAwait(false);
            if (BinaryPrimitives.ReadUInt64BigEndian(head) != OptionMagic)
            {
                return false;
            }

            uint option = BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(8));
            uint length = BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(12));
            if (length > 64 * 1024)
            {
                return false;
            }

            var data = await ReadExactAsync((int)length, ct).ConfigureAwait(false);
            switch (option)
            {
                case OptExportName:
                    if (!NameMatches(Encoding.UTF8.GetString(data)))
                    {
                        return false;
                    }

                    var reply = new byte[_noZeroes ? 10 : 134];
                    BinaryPrimitives.WriteUInt64BigEndian(reply, (ulong)device.Length);
                    BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(8), TransmissionFlags);
                    await stream.WriteAsync(reply, ct).ConfigureAwait(false);
                    return true;
                case OptAbort:
                    await ReplyAsync(option, RepAck, [], ct).ConfigureAwait(false);
                    return false;
                case OptList:
                    await ListAsync(data, ct).ConfigureAwait(false);
                    break;
                case OptInfo or OptGo:
                    if (await InfoAsync(option, data, ct).ConfigureAwait(false) && option == OptGo)
                    {
                        return true;
                    }

                    break;
                default:
                    await ReplyAsync(option, RepErrUnsup, [], ct).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task ListAsync(byte[] data, CancellationToken ct)
    {
        if (data.Length != 0)
        {
            await ReplyAsync(OptList, RepErrInvalid, [], ct).ConfigureAwait(false);
            return;
        }

        var name = Encoding.UTF8.GetBytes(exportName);
        var entry = new byte[4 + name.Length];
        BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)name.Length);
        name.CopyTo(entry, 4);
        await ReplyAsync(OptList, RepServer, entry, ct).ConfigureAwait(false);
        await ReplyAsync(OptList, RepAck, [], ct).ConfigureAwait(false);
    }

    /// <summary>INFO and GO: describe the export; returns false when the name is unknown or the request malformed.</summary>
    private async Task<bool> InfoAsync(uint option, byte[] data, CancellationToken ct)
    {
        if (data.Length < 6)
        {
            await ReplyAsync(option, RepErrInvalid, [], ct).ConfigureAwait(false);
            return false;
        }

        int nameLength = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
        if (nameLength > data.Length - 6)
        {
            await ReplyAsync(option, RepErrInvalid, [], ct).ConfigureAwait(false);
            return false;
        }

        string name = Encoding.UTF8.GetString(data, 4, nameLength);
        int count = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(4 + nameLength));
        var requests = new List<ushort>();
        for (int i = 0; i < count && 6 + nameLength + (2 * i) + 2 <= data.Length; i++)
        {
            requests.Add(BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(6 + nameLength + (2 * i))));
        }

        if (!NameMatches(name))
        {
            await ReplyAsync(option, RepErrUnknown, Encoding.UTF8.GetBytes($"no export named '{name}'"), ct).ConfigureAwait(false);
            return false;
        }

        var export = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(export, InfoExport);
        BinaryPrimitives.WriteUInt64BigEndian(export.AsSpan(2), (ulong)device.Length);
        BinaryPrimitives.WriteUInt16BigEndian(export.AsSpan(10), TransmissionFlags);
        await ReplyAsync(option, RepInfo, export, ct).ConfigureAwait(false);
        if (requests.Contains(InfoBlockSize))
        {
            var sizes = new byte[14];
            BinaryPrimitives.WriteUInt16BigEndian(sizes, InfoBlockSize);
            BinaryPrimitives.WriteUInt32BigEndian(sizes.AsSpan(2), 1);
            BinaryPrimitives.WriteUInt32BigEndian(sizes.AsSpan(6), 4096);
            BinaryPrimitives.WriteUInt32BigEndian(sizes.AsSpan(10), MaxPayload);
            await ReplyAsync(option, RepInfo, sizes, ct).ConfigureAwait(false);
        }

        await ReplyAsync(option, RepAck, [], ct).ConfigureAwait(false);
        return true;
    }

    private bool NameMatches(string name) => name.Length == 0 || name == exportName;

    private async Task ReplyAsync(uint option, uint type, byte[] data, CancellationToken ct)
    {
        var head = new byte[20];
        BinaryPrimitives.WriteUInt64BigEndian(head, ReplyMagic);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(8), option);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(12), type);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(16), (uint)data.Length);
        await stream.WriteAsync(head, ct).ConfigureAwait(false);
        await stream.WriteAsync(data, ct).ConfigureAwait(false);
    }

    private async Task TransmitAsync(CancellationToken ct)
    {
        int cycle = (device as IPowerCycledDevice)?.PowerCycle ?? 0;
        while (true)
        {
            await stream.ReadExactlyAsync(_header, ct).ConfigureAwait(false);

            // The export lost power since this client connected: drop it, as a rebooted server would.
            if (((device as IPowerCycledDevice)?.PowerCycle ?? 0) != cycle)
            {
                return;
            }

            if (BinaryPrimitives.ReadUInt32BigEndian(_header) != RequestMagic)
            {
                return;
            }

            ushort flags = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(4));
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(6));
            ulong cookie = BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(8));
            ulong offset = BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(16));
            uint length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(24));
            switch (type)
            {
                case CmdDisconnect:
                    return;
                case CmdRead:
                    await ReadAsync(cookie, offset, length, ct).ConfigureAwait(false);
                    break;
                case CmdWrite:
                    if (!await WriteAsync(cookie, flags, offset, length, ct).ConfigureAwait(false))
                    {
                        return;
                    }

                    break;
                case CmdFlush:
                    await SimpleReplyAsync(cookie, Guard(() => device.Flush()), ct).ConfigureAwait(false);
                    break;
                case CmdTrim:
                    // The data of a trimmed range becomes unspecified; keeping it is a valid answer.
                    await SimpleReplyAsync(cookie, readOnly ? EPerm : InRange(offset, length) ? 0 : EInval, ct).ConfigureAwait(false);
                    break;
                case CmdWriteZeroes:
                    uint error = readOnly ? EPerm : !InRange(offset, length) ? ENoSpc : Guard(() => WriteZeroes((long)offset, length, flags));
                    await SimpleReplyAsync(cookie, error, ct).ConfigureAwait(false);
                    break;
                default:
                    await SimpleReplyAsync(cookie, EInval, ct).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task ReadAsync(ulong cookie, ulong offset, uint length, CancellationToken ct)
    {
        if (length > MaxPayload || !InRange(offset, length))
        {
            await SimpleReplyAsync(cookie, EInval, ct).ConfigureAwait(false);
            return;
        }

        // With simple replies a read cannot fail once its header is out, so the data is read first.
        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            uint error = Guard(() => device.Read((long)offset, buffer.AsSpan(0, (int)length)));
            await SimpleReplyAsync(cookie, error, ct, error == 0 ? buffer.AsMemory(0, (int)length) : default).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Returns false when the payload is too large to consume and the connection must drop.</summary>
    private async Task<bool> WriteAsync(ulong cookie, ushort flags, ulong offset, uint length, CancellationToken ct)
    {
        if (length > MaxPayload)
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            // The payload is always consumed, whatever the answer.
            await stream.ReadExactlyAsync(buffer.AsMemory(0, (int)length), ct).ConfigureAwait(false);
            uint error = readOnly ? EPerm
                : !InRange(offset, length) ? ENoSpc
                : Guard(() =>
                {
                    device.Write((long)offset, buffer.AsSpan(0, (int)length));
                    if ((flags & CmdFlagFua) != 0)
                    {
                        device.Flush();
                    }
                });
            await SimpleReplyAsync(cookie, error, ct).ConfigureAwait(false);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void WriteZeroes(long offset, uint length, ushort flags)
    {
        var zeros = new byte[Math.Min(length, 1024 * 1024)];
        for (long done = 0; done < length;)
        {
            int n = (int)Math.Min(zeros.Length, length - done);
            device.Write(offset + done, zeros.AsSpan(0, n));
            done += n;
        }

        if ((flags & CmdFlagFua) != 0)
        {
            device.Flush();
        }
    }

    private bool InRange(ulong offset, uint length) => offset <= (ulong)device.Length && length <= (ulong)device.Length - offset;

    private static uint Guard(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (IOException)
        {
            return EIo;
        }
    }

    private async Task SimpleReplyAsync(ulong cookie, uint error, CancellationToken ct, ReadOnlyMemory<byte> data = default)
    {
        var head = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(head, SimpleReplyMagic);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(4), error);
        BinaryPrimitives.WriteUInt64BigEndian(head.AsSpan(8), cookie);
        await stream.WriteAsync(head, ct).ConfigureAwait(false);
        if (!data.IsEmpty)
        {
            await stream.WriteAsync(data, ct).ConfigureAwait(false);
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
        return buffer;
    }
}
