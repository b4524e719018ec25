using System.Buffers.Binary;
using System.Text;
using static RaidEmu.Live.Nbd.NbdProtocol;

namespace RaidEmu.Live.Nbd;

/// <summary>
/// The fixed-newstyle handshake of one connection: the greeting, then options (EXPORT_NAME, INFO, GO,
/// LIST, ABORT) until the client picks the export or leaves.
/// </summary>
internal sealed class NbdHandshake(Stream stream, NbdExport export)
{
    private bool _noZeroes;

    /// <summary>True when the client chose the export and transmission begins; false when it left or broke the protocol.</summary>
    public async Task<bool> RunAsync(CancellationToken ct)
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
                    if (!export.Matches(Encoding.UTF8.GetString(data)))
                    {
                        return false;
                    }

                    var reply = new byte[_noZeroes ? 10 : 134];
                    BinaryPrimitives.WriteUInt64BigEndian(reply, (ulong)export.Device.Length);
                    BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(8), export.TransmissionFlags);
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

        var name = Encoding.UTF8.GetBytes(export.Name);
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

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
        return buffer;
    }
}
