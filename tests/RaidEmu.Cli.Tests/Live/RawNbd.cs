using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>
/// A raw-socket NBD client for protocol tests: it speaks the fixed-newstyle handshake and simple replies
/// byte by byte, and can send anything else a hostile client would.
/// </summary>
internal sealed class RawNbd : IDisposable
{
    public const ulong OptionMagic = 0x49484156454F5054;
    public const ulong ReplyMagic = 0x3e889045565a9;
    public const uint OptGo = 7;
    public const uint RepAck = 1;
    public const uint RepInfo = 3;
    public const uint RepErrInvalid = 0x80000003;
    public const ushort CmdRead = 0;
    public const ushort CmdWrite = 1;
    public const ushort CmdDisconnect = 2;
    public const ushort CmdFlush = 3;
    public const ushort FlagReadOnly = 0x2;
    public const ushort FlagSendFua = 0x8;
    public const ushort FlagSendTrim = 0x20;
    public const ushort FlagSendWriteZeroes = 0x40;

    private readonly NetworkStream _stream;
    private ulong _cookie;

    private RawNbd(Socket socket)
    {
        Socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Stream.ReadTimeout = 30_000;
        Stream.WriteTimeout = 30_000;
    }

    public Socket Socket { get; }

    public NetworkStream Stream => _stream;

    /// <summary>The export's size and transmission flags, once <see cref="Go"/> succeeded.</summary>
    public long Size { get; private set; }

    public ushort Flags { get; private set; }

    /// <summary>Connects and reads the greeting; the client flags are sent (fixed newstyle, no zeroes).</summary>
    public static RawNbd Connect(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        var client = new RawNbd(socket);
        var hello = client.ReadExactly(18);
        Assert.AreEqual(0x4e42444d41474943UL, BinaryPrimitives.ReadUInt64BigEndian(hello), "greeting magic");
        client.Send([0, 0, 0, 3]);
        return client;
    }

    /// <summary>Connects and selects the default export with NBD_OPT_GO.</summary>
    public static RawNbd Open(int port)
    {
        var client = Connect(port);
        client.Go();
        return client;
    }

    public void Go()
    {
        var data = new byte[6];
        SendOption(OptGo, data);
        while (true)
        {
            var (type, payload) = ReadOptionReply(OptGo);
            if (type == RepAck)
            {
                return;
            }

            Assert.AreEqual(RepInfo, type, "GO answered with an error");
            if (BinaryPrimitives.ReadUInt16BigEndian(payload) == 0)
            {
                Size = (long)BinaryPrimitives.ReadUInt64BigEndian(payload.AsSpan(2));
                Flags = BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(10));
            }
        }
    }

    public void SendOption(uint option, byte[] data, uint? declaredLength = null)
    {
        var head = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(head, OptionMagic);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(8), option);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(12), declaredLength ?? (uint)data.Length);
        Send(head);
        Send(data);
    }

    public (uint Type, byte[] Data) ReadOptionReply(uint option)
    {
        var head = ReadExactly(20);
        Assert.AreEqual(ReplyMagic, BinaryPrimitives.ReadUInt64BigEndian(head), "option reply magic");
        Assert.AreEqual(option, BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(8)));
        uint type = BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(12));
        int length = (int)BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(16));
        return (type, ReadExactly(length));
    }

    /// <summary>Sends a request header (and <paramref name="payload"/>, if any); returns its cookie.</summary>
    public ulong SendRequest(ushort type, ulong offset, uint length, byte[]? payload = null, ushort flags = 0)
    {
        var head = new byte[28];
        BinaryPrimitives.WriteUInt32BigEndian(head, 0x25609513);
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(4), flags);
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(6), type);
        ulong cookie = ++_cookie;
        BinaryPrimitives.WriteUInt64BigEndian(head.AsSpan(8), cookie);
        BinaryPrimitives.WriteUInt64BigEndian(head.AsSpan(16), offset);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(24), length);
        Send(head);
        if (payload != null)
        {
            Send(payload);
        }

        return cookie;
    }

    /// <summary>Reads a simple reply's header: its error, checking the cookie.</summary>
    public uint ReadReply(ulong cookie)
    {
        var head = ReadExactly(16);
        Assert.AreEqual(0x67446698u, BinaryPrimitives.ReadUInt32BigEndian(head), "simple reply magic");
        Assert.AreEqual(cookie, BinaryPrimitives.ReadUInt64BigEndian(head.AsSpan(8)), "reply cookie");
        return BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4));
    }

    /// <summary>Reads the next simple reply's header, whichever request it answers: its cookie and error.</summary>
    public (ulong Cookie, uint Error) ReadAnyReply()
    {
        var head = ReadExactly(16);
        Assert.AreEqual(0x67446698u, BinaryPrimitives.ReadUInt32BigEndian(head), "simple reply magic");
        return (BinaryPrimitives.ReadUInt64BigEndian(head.AsSpan(8)), BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4)));
    }

    /// <summary>Sends a request with a cookie of the caller's choosing, header and payload in one write.</summary>
    public void SendRequest(ushort type, ulong cookie, ulong offset, uint length, byte[]? payload, ushort flags) =>
        Send(Message(type, cookie, offset, length, payload, flags));

    /// <summary>A request's bytes, header and payload, to be sent together with others.</summary>
    public static byte[] Message(ushort type, ulong cookie, ulong offset, uint length, byte[]? payload, ushort flags)
    {
        var message = new byte[28 + (payload?.Length ?? 0)];
        BinaryPrimitives.WriteUInt32BigEndian(message, 0x25609513);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(4), flags);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), type);
        BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(8), cookie);
        BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(16), offset);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(24), length);
        payload?.CopyTo(message, 28);
        return message;
    }

    public void Write(long offset, byte[] data, bool fua = false)
    {
        ulong cookie = SendRequest(CmdWrite, (ulong)offset, (uint)data.Length, data, fua ? (ushort)1 : (ushort)0);
        Assert.AreEqual(0u, ReadReply(cookie), $"write of {data.Length} bytes at {offset}");
    }

    public byte[] Read(long offset, int length)
    {
        ulong cookie = SendRequest(CmdRead, (ulong)offset, (uint)length);
        Assert.AreEqual(0u, ReadReply(cookie), $"read of {length} bytes at {offset}");
        return ReadExactly(length);
    }

    public void Disconnect()
    {
        SendRequest(CmdDisconnect, 0, 0);
        Socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>True when the server closed the connection (EOF or reset) within <paramref name="timeout"/>.</summary>
    public bool ClosedByServer(TimeSpan timeout) => ClosedByServer(Socket, timeout);

    /// <summary>Drains <paramref name="socket"/>; true when the server closed it (EOF or reset) within <paramref name="timeout"/>.</summary>
    public static bool ClosedByServer(Socket socket, TimeSpan timeout)
    {
        socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        var sink = new byte[4096];
        try
        {
            while (socket.Receive(sink) > 0)
            {
            }

            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public void Send(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

    public byte[] ReadExactly(int count)
    {
        var buffer = new byte[count];
        _stream.ReadExactly(buffer);
        return buffer;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public void Dispose() => _stream.Dispose();
}
