using System.Buffers.Binary;
using static RaidEmu.Live.Nbd.NbdProtocol;

using RaidEmu.Core.Devices;

namespace RaidEmu.Live.Nbd;

/// <summary>
/// The transmission phase of one connection: requests served in order with simple replies. Several
/// connections run at once; the array's stripe locks keep their writes consistent. A client that connected
/// before the export lost power is dropped, as a rebooted server would drop it. Payloads move through one
/// pooled buffer of <see cref="NbdBuffers.Size"/> bytes at a time, whatever the request's length.
/// </summary>
internal sealed class NbdTransmission(Stream stream, NbdExport export)
{
    private readonly byte[] _header = new byte[28];
    private readonly byte[] _reply = new byte[16];

    public async Task RunAsync(CancellationToken ct)
    {
        int cycle = (export.Device as IPowerCycledDevice)?.PowerCycle ?? 0;
        while (true)
        {
            await stream.ReadExactlyAsync(_header, ct).ConfigureAwait(false);

            // The export lost power since this client connected: drop it, as a rebooted server would.
            if (((export.Device as IPowerCycledDevice)?.PowerCycle ?? 0) != cycle
                || BinaryPrimitives.ReadUInt32BigEndian(_header) != RequestMagic)
            {
                return;
            }

            // Only a request that moves data holds a buffer, and only while it runs: idle connections hold none.
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(6));
            var buffer = type is CmdRead or CmdWrite or CmdWriteZeroes ? NbdBuffers.Rent() : null;
            try
            {
                if (!await ServeAsync(type, buffer!, ct).ConfigureAwait(false))
                {
                    return;
                }
            }
            finally
            {
                if (buffer != null)
                {
                    NbdBuffers.Return(buffer);
                }
            }
        }
    }

    /// <summary>Serves the request in the header; false when the connection must end.</summary>
    private async Task<bool> ServeAsync(ushort type, byte[] buffer, CancellationToken ct)
    {
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(4));
        ulong cookie = BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(8));
        ulong offset = BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(16));
        uint length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(24));
        switch (type)
        {
            case CmdDisconnect:
                return false;
            case CmdRead:
                return await ReadAsync(buffer, cookie, offset, length, ct).ConfigureAwait(false);
            case CmdWrite:
                return await WriteAsync(buffer, cookie, flags, offset, length, ct).ConfigureAwait(false);
            case CmdFlush:
                await SimpleReplyAsync(cookie, Guard(() => export.Device.Flush()), ct).ConfigureAwait(false);
                return true;
            case CmdTrim:
                // The data of a trimmed range becomes unspecified; keeping it is a valid answer.
                await SimpleReplyAsync(cookie, export.ReadOnly ? EPerm : InRange(offset, length) ? 0 : EInval, ct).ConfigureAwait(false);
                return true;
            case CmdWriteZeroes:
                uint error = export.ReadOnly ? EPerm : !InRange(offset, length) ? ENoSpc : Guard(() => WriteZeroes(buffer, (long)offset, length, flags));
                await SimpleReplyAsync(cookie, error, ct).ConfigureAwait(false);
                return true;
            default:
                await SimpleReplyAsync(cookie, EInval, ct).ConfigureAwait(false);
                return true;
        }
    }

    /// <summary>
    /// With simple replies the error goes in the header, before the data: the first piece is read before
    /// the header goes out. A later piece that fails cannot be reported, so the connection ends, which the
    /// client sees as a failed read.
    /// </summary>
    private async Task<bool> ReadAsync(byte[] buffer, ulong cookie, ulong offset, uint length, CancellationToken ct)
    {
        if (length > MaxPayload || !InRange(offset, length))
        {
            await SimpleReplyAsync(cookie, EInval, ct).ConfigureAwait(false);
            return true;
        }

        int first = (int)Math.Min(buffer.Length, length);
        uint error = Guard(() => export.Device.Read((long)offset, buffer.AsSpan(0, first)));
        await SimpleReplyAsync(cookie, error, ct).ConfigureAwait(false);
        if (error != 0)
        {
            return true;
        }

        await stream.WriteAsync(buffer.AsMemory(0, first), ct).ConfigureAwait(false);
        for (long done = first; done < length;)
        {
            int n = (int)Math.Min(buffer.Length, length - done);
            long at = (long)offset + done;
            if (Guard(() => export.Device.Read(at, buffer.AsSpan(0, n))) != 0)
            {
                return false;
            }

            await stream.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            done += n;
        }

        return true;
    }

    /// <summary>
    /// The payload is always consumed, piece by piece, whatever the answer; each piece is written as it
    /// arrives. False when the payload is larger than any client may send and the connection must drop.
    /// </summary>
    private async Task<bool> WriteAsync(byte[] buffer, ulong cookie, ushort flags, ulong offset, uint length, CancellationToken ct)
    {
        if (length > MaxPayload)
        {
            return false;
        }

        uint error = export.ReadOnly ? EPerm : !InRange(offset, length) ? ENoSpc : 0;
        for (long done = 0; done < length;)
        {
            int n = (int)Math.Min(buffer.Length, length - done);
            long at = (long)offset + done;
            await stream.ReadExactlyAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            if (error == 0)
            {
                error = Guard(() => export.Device.Write(at, buffer.AsSpan(0, n)));
            }

            done += n;
        }

        if (error == 0 && (flags & CmdFlagFua) != 0)
        {
            error = Guard(() => export.Device.Flush());
        }

        await SimpleReplyAsync(cookie, error, ct).ConfigureAwait(false);
        return true;
    }

    private void WriteZeroes(byte[] buffer, long offset, uint length, ushort flags)
    {
        Array.Clear(buffer);
        for (long done = 0; done < length;)
        {
            int n = (int)Math.Min(buffer.Length, length - done);
            export.Device.Write(offset + done, buffer.AsSpan(0, n));
            done += n;
        }

        if ((flags & CmdFlagFua) != 0)
        {
            export.Device.Flush();
        }
    }

    private bool InRange(ulong offset, uint length) => offset <= (ulong)export.Device.Length && length <= (ulong)export.Device.Length - offset;

    /// <summary>
    /// An I/O error becomes EIO for this request. So does a file closed under the request (the power was
    /// cut while it ran) or an array that stopped: the client gets an error, never the server. A full host
    /// file system is ENOSPC, as the NBD protocol lets a server say, so the client sees it is not a disk fault.
    /// </summary>
    private static uint Guard(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (HostFullException)
        {
            return ENoSpc;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            return EIo;
        }
    }

    private async Task SimpleReplyAsync(ulong cookie, uint error, CancellationToken ct)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_reply, SimpleReplyMagic);
        BinaryPrimitives.WriteUInt32BigEndian(_reply.AsSpan(4), error);
        BinaryPrimitives.WriteUInt64BigEndian(_reply.AsSpan(8), cookie);
        await stream.WriteAsync(_reply, ct).ConfigureAwait(false);
    }
}
