using System.Buffers;
using System.Buffers.Binary;
using static RaidEmu.Live.Nbd.NbdProtocol;

namespace RaidEmu.Live.Nbd;

/// <summary>
/// The transmission phase of one connection: requests served in order with simple replies. Several
/// connections run at once; the array's stripe locks keep their writes consistent. A client that connected
/// before the export lost power is dropped, as a rebooted server would drop it.
/// </summary>
internal sealed class NbdTransmission(Stream stream, NbdExport export)
{
    private readonly byte[] _header = new byte[28];

    public async Task RunAsync(CancellationToken ct)
    {
        int cycle = (export.Device as IPowerCycledDevice)?.PowerCycle ?? 0;
        while (true)
        {
            await stream.ReadExactlyAsync(_header, ct).ConfigureAwait(false);

            // The export lost power since this client connected: drop it, as a rebooted server would.
            if (((export.Device as IPowerCycledDevice)?.PowerCycle ?? 0) != cycle)
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
                    await SimpleReplyAsync(cookie, Guard(() => export.Device.Flush()), ct).ConfigureAwait(false);
                    break;
                case CmdTrim:
                    // The data of a trimmed range becomes unspecified; keeping it is a valid answer.
                    await SimpleReplyAsync(cookie, export.ReadOnly ? EPerm : InRange(offset, length) ? 0 : EInval, ct).ConfigureAwait(false);
                    break;
                case CmdWriteZeroes:
                    uint error = export.ReadOnly ? EPerm : !InRange(offset, length) ? ENoSpc : Guard(() => WriteZeroes((long)offset, length, flags));
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
            uint error = Guard(() => export.Device.Read((long)offset, buffer.AsSpan(0, (int)length)));
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
            uint error = export.ReadOnly ? EPerm
                : !InRange(offset, length) ? ENoSpc
                : Guard(() =>
                {
                    export.Device.Write((long)offset, buffer.AsSpan(0, (int)length));
                    if ((flags & CmdFlagFua) != 0)
                    {
                        export.Device.Flush();
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
            export.Device.Write(offset + done, zeros.AsSpan(0, n));
            done += n;
        }

        if ((flags & CmdFlagFua) != 0)
        {
            export.Device.Flush();
        }
    }

    private bool InRange(ulong offset, uint length) => offset <= (ulong)export.Device.Length && length <= (ulong)export.Device.Length - offset;

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
}
