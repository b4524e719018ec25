using System.Net;
using System.Net.Sockets;

namespace RaidEmu.Live.Sockets;

/// <summary>
/// The listening half of the control socket and the NBD server: accepts connections and serves each on its
/// own task until stopped, then removes a Unix socket's file.
/// </summary>
internal sealed class AcceptLoop : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, CancellationToken, Task> _serve;
    private readonly bool _dropClients;
    private readonly TimeSpan _drainLimit;
    private readonly string? _unixPath;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(Socket Client, Task Serving)> _connections = [];
    private readonly Task _loop;

    private AcceptLoop(Socket listener, Func<Socket, CancellationToken, Task> serve, bool dropClients, TimeSpan drainLimit)
    {
        _listener = listener;
        _serve = serve;
        _dropClients = dropClients;
        _drainLimit = drainLimit;
        _unixPath = (listener.LocalEndPoint as UnixDomainSocketEndPoint)?.ToString();
        _loop = RunAsync();
    }

    /// <summary>Where the loop listens.</summary>
    public EndPoint EndPoint => _listener.LocalEndPoint!;

    /// <summary>
    /// Binds <paramref name="endPoint"/> and starts accepting. <paramref name="bound"/> runs between bind
    /// and listen, before anyone can connect. On stop, <paramref name="dropClients"/> closes open
    /// connections; otherwise they get up to <paramref name="drainLimit"/> to finish.
    /// </summary>
    public static AcceptLoop Start(
        EndPoint endPoint, Func<Socket, CancellationToken, Task> serve, bool dropClients, TimeSpan drainLimit, Action? bound = null)
    {
        var listener = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            bound?.Invoke();
            listener.Listen(16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new AcceptLoop(listener, serve, dropClients, drainLimit);
    }

    private async Task RunAsync()
    {
        while (true)
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

            lock (_connections)
            {
                _connections.RemoveAll(c => c.Serving.IsCompleted);
                _connections.Add((client, Task.Run(() => _serve(client, _stop.Token))));
            }
        }
    }

    /// <summary>Stops accepting, ends or drains the connections, and removes a Unix socket's file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        Task[] running;
        lock (_connections)
        {
            if (_dropClients)
            {
                foreach (var (client, _) in _connections)
                {
                    client.Dispose();
                }
            }

            running = [.. _connections.Select(c => c.Serving)];
        }

        await _loop.ConfigureAwait(false);
        await Task.WhenAny(Task.WhenAll(running), Task.Delay(_drainLimit)).ConfigureAwait(false);
        if (_unixPath != null && File.Exists(_unixPath))
        {
            File.Delete(_unixPath);
        }

        _stop.Dispose();
    }
}
