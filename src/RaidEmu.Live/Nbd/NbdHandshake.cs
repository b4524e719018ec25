using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using static RaidEmu.Live.Nbd.NbdProtocol;

namespace RaidEmu.Live.Nbd;

/// <summary>
/// The fixed-newstyle handshake of one connection: the greeting, then options (EXPORT_NAME, INFO, GO,
/// LIST, ABORT) until the client picks the export or leaves. Option data is read into a buffer from the
/// shared pool, at most <see cref="MaxOptionLength"/> bytes: a handshake never takes from the budget
/// requests are served through, so clients stuck in it cannot hold up transmission.
/// </summary>
internal sealed class NbdHandshake(Stream stream, NbdExport export)
{
    /// <summary>No option the server understands needs more; a longer one ends the connection.</summary>
    private const int MaxOptionLength = 64 * 1024;

    private readonly byte[] _head = new byte[20];
    private bool _noZeroes;

    /// <summary>True when the client chose the export and transmission begins; false when it left or broke the protocol.</summary>
    public async Task<bool> RunAsync(CancellationToken ct)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_head, InitMagic);
        BinaryPrimitives.WriteUInt64BigEndian(_head.AsSpan(8), OptionMagic);
        BinaryPrimitives.WriteUInt16BigEndian(_head.AsSpan(16), FlagFixedNewstyle | FlagNoZeroes);
        await stream.WriteAsync(_head.AsMemory(0, 18), ct).ConfigureAwait(false);

        await stream.ReadExactlyAsync(_head.AsMemory(0, 4), ct).ConfigureAwait(false);
        uint clientFlags = BinaryPrimitives.ReadUInt32BigEndian(_head);
        if ((clientFlags & ~3u) != 0)
        {
            return false;
        }

        _noZeroes = (clientFlags & FlagNoZeroes) != 0;
        var buffer = ArrayPool<byte>.Shared.Rent(MaxOptionLength);
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(_head.AsMemory(0, 16), ct).ConfigureAwait(false);
                if (BinaryPrimitives.ReadUInt64BigEndian(_head) != OptionMagic)
                {
                    return false;
                }

                uint option = BinaryPrimitives.ReadUInt32BigEndian(_head.AsSpan(8));
                uint length = BinaryPrimitives.ReadUInt32BigEndian(_head.AsSpan(12));
                if (length > MaxOptionLength)
                {
                    return false;
                }

                var data = buffer.AsMemory(0, (int)length);
                await stream.ReadExactlyAsync(data, ct).ConfigureAwait(false);
                bool? chosen = await OptionAsync(option, data, ct).ConfigureAwait(false);
                if (chosen is { } result)
                {
                    return result;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Answers one option: true when transmission begins, false when the connection ends, null to go on.</summary>
    private async Task<bool?> OptionAsync(uint option, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        switch (option)
        {
            case OptExportName:
                if (!export.Matches(Encoding.UTF8.GetString(data.Span)))
                {
                    return false;
                }

                var reply = new byte[_noZeroes ? 10 : 134];
                BinaryPrimitives.WriteUInt64BigEndian(reply, (ulong)export.Device.Length);
                BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(8), export.TransmissionFlags);
                await stream.WriteAsync(reply, ct).ConfigureAwait(false);
                return true;
            case OptAbort:
                await ReplyAsync(option, RepAck, default, ct).ConfigureAwait(false);
                return false;
            case OptList:
                await ListAsync(data, ct).ConfigureAwait(false);
                return null;
            case OptInfo or OptGo:
                return await InfoAsync(option, data, ct).ConfigureAwait(false) && option == OptGo ? true : null;
            default:
                await ReplyAsync(option, RepErrUnsup, default, ct).ConfigureAwait(false);
                return null;
        }
    }

    private async Task ListAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (data.Length != 0)
        {
            await ReplyAsync(OptList, RepErrInvalid, default, ct).ConfigureAwait(false);
            return;
        }

        var name = Encoding.UTF8.GetBytes(export.Name);
        var entry = new byte[4 + name.Length];
        BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)name.Length);
        name.CopyTo(entry, 4);
        await ReplyAsync(OptList, RepServer, entry, ct).ConfigureAwait(false);
        await ReplyAsync(OptList, RepAck, default, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// INFO and GO: describe the export; false when the name is unknown or the request malformed. The data
    /// is a 32-bit name length, the name, a 16-bit count and that many 16-bit info requests, and nothing else.
    /// </summary>
    private async Task<bool> InfoAsync(uint option, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var request = Parse(data.Span);
        if (request is not var (name, wantsBlockSize))
        {
            await ReplyAsync(option, RepErrInvalid, default, ct).ConfigureAwait(false);
            return false;
        }

        if (!export.Matches(name))
        {
            await ReplyAsync(option, RepErrUnknown, Encoding.UTF8.GetBytes($"no export named '{name}'"), ct).ConfigureAwait(false);
            return false;
        }

        var info = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(info, InfoExport);
        BinaryPrimitives.WriteUInt64BigEndian(info.AsSpan(2), (ulong)export.Device.Length);
        BinaryPrimitives.WriteUInt16BigEndian(info.AsSpan(10), export.TransmissionFlags);
        await ReplyAsync(option, RepInfo, info, ct).ConfigureAwait(false);
        if (wantsBlockSize)
        {
            var sizes = new byte[14];
            BinaryPrimitives.WriteUInt16BigEndian(sizes, InfoBlockSize);
            BinaryPrimitives.WriteUInt32BigEndian(sizes.AsSpan(2), 1);
            BinaryPrimitives.WriteUInt32BigEndian(sizes.AsSpan(6), 4096);
            BinaryPrimitives.WriteUInt32BigEndian(sizes.AsSpan(10), MaxPayload);
            await ReplyAsync(option, RepInfo, sizes, ct).ConfigureAwait(false);
        }

        await ReplyAsync(option, RepAck, default, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>The export name and whether block sizes were asked for; null when the lengths do not add up.</summary>
    private static (string Name, bool WantsBlockSize)? Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 6)
        {
            return null;
        }

        uint nameLength = BinaryPrimitives.ReadUInt32BigEndian(data);
        if (nameLength > (uint)(data.Length - 6))
        {
            return null;
        }

        var rest = data[(4 + (int)nameLength)..];
        int count = BinaryPrimitives.ReadUInt16BigEndian(rest);
        if (rest.Length != 2 + (2 * count))
        {
            return null;
        }

        bool wantsBlockSize = false;
        for (int i = 0; i < count; i++)
        {
            wantsBlockSize |= BinaryPrimitives.ReadUInt16BigEndian(rest[(2 + (2 * i))..]) == InfoBlockSize;
        }

        return (Encoding.UTF8.GetString(data.Slice(4, (int)nameLength)), wantsBlockSize);
    }

    private async Task ReplyAsync(uint option, uint type, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_head, ReplyMagic);
        BinaryPrimitives.WriteUInt32BigEndian(_head.AsSpan(8), option);
        BinaryPrimitives.WriteUInt32BigEndian(_head.AsSpan(12), type);
        BinaryPrimitives.WriteUInt32BigEndian(_head.AsSpan(16), (uint)data.Length);
        await stream.WriteAsync(_head, ct).ConfigureAwait(false);
        if (!data.IsEmpty)
        {
            await stream.WriteAsync(data, ct).ConfigureAwait(false);
        }
    }
}
