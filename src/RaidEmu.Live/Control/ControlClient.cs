using System.Net.Sockets;
using System.Text;

namespace RaidEmu.Live.Control;

/// <summary>Sends a command line to the process serving an array, if one is.</summary>
public static class ControlClient
{
    /// <summary>True when a live server answers on the folder's control socket.</summary>
    public static bool IsServed(string folder) => Connect(folder) is { } socket && Close(socket);

    /// <summary>
    /// Runs <paramref name="request"/> in the serving process; null when no server is there (no socket, or
    /// a stale one left by a killed server).
    /// </summary>
    public static ControlResponse? TrySend(string folder, ControlRequest request)
    {
        using var socket = Connect(folder);
        if (socket == null)
        {
            return null;
        }

        using var stream = new NetworkStream(socket, ownsSocket: false);
        stream.Write(ControlJson.Line(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? line = reader.ReadLine();
        return line == null
            ? throw new IOException($"the process serving {folder} closed the control socket without answering")
            : ControlJson.Response(line, folder);
    }

    private static Socket? Connect(string folder)
    {
        string path = Path.Combine(folder, ControlServer.FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return socket;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied)
        {
            socket.Dispose();
            throw new UnauthorizedAccessException($"not allowed to use the control socket of {folder}: only its owner may act on a served array");
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    private static bool Close(Socket socket)
    {
        socket.Dispose();
        return true;
    }
}
