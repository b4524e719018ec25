using System.Net;
using System.Net.Sockets;
using RaidEmu.Core.Devices;

namespace RaidEmu.Live.Nbd;

/// <summary>
/// An NBD server exporting one block device (fixed newstyle; INFO, GO, EXPORT_NAME, LIST, ABORT; READ,
/// WRITE, FLUSH, TRIM, WRITE_ZEROES, DISC; FUA honoured; several connections at once).
/// </summary>
public sealed class NbdServer : IAsyncDisposable
{
    private readonly IBlockDevice _device;
    private readonly string _exportName;
    private readonly bool _readOnly;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly List<Socket> _clients = [];
    private Task _acceptLoop = Task.CompletedTask;

    private NbdServer(IBlockDevice device, string exportName, bool readOnly, Socket listener)
    {
        _device = device;
        _exportName = exportName;
        _readOnly = readOnly;
        _listener = listener;
    }

    /// <summary>Where the server listens.</summary>
    public EndPoint EndPoint => _listener.LocalEndPoint!;

    /// <summary>Binds and starts serving; port 0 picks a free port.</summary>
    public static NbdServer Start(IBlockDevice device, string exportName, EndPoint endPoint, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var listener = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            listener.Listen(16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        var server = new NbdServer(device, exportName, readOnly, listener);
        server._acceptLoop = server.AcceptLoopAsync();
        return server;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (client.AddressFamily != AddressFamily.Unix)
            {
                client.NoDelay = true;
            }

            var connection = new NbdConnection(new NetworkStream(client, ownsSocket: true), _device, _exportName, _readOnly);
            lock (_connections)
            {
                _clients.Add(client);
                _connections.Add(Task.Run(() => connection.RunAsync(_stop.Token)));
            }
        }
    }

    /// <summary>Stops accepting, closes every connection and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        string? unixPath = (_listener.LocalEndPoint as UnixDomainSocketEndPoint)?.ToString();
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        Task[] running;
        lock (_connections)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            running = [.. _connections];
        }

        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(running).ConfigureAwait(false);
        if (unixPath != null && File.Exists(unixPath))
        {
            File.Delete(unixPath);
        }

        _stop.Dispose();
    }
}
