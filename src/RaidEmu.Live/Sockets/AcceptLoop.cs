using System.Net;
using System.Net.Sockets;

namespace RaidEmu.Live.Sockets;

/// <summary>
/// The listening half of the control socket and the NBD server: accepts connections and serves each on its
/// own task until stopped, then removes a Unix socket's file. A connection is forgotten as soon as it ends.
/// With <c>maxConnections</c> open, the loop stops accepting until one ends: new clients wait in the
/// kernel's backlog (bounded by the system) instead of costing the server memory, and a storm of
/// connections that end at once only delays them. Whatever a connection's task throws ends that connection only.
/// </summary>
internal sealed class AcceptLoop : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, CancellationToken, Task> _serve;
    private readonly bool _dropClients;
    private readonly TimeSpan _drainLimit;
    private readonly SemaphoreSlim _slots;
    private readonly string? _unixPath;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<long, Socket> _open = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private long _nextId;
    private bool _stopping;

    private AcceptLoop(Socket listener, Func<Socket, CancellationToken, Task> serve, bool dropClients, TimeSpan drainLimit, int maxConnections)
    {
        _listener = listener;
        _serve = serve;
        _dropClients = dropClients;
        _drainLimit = drainLimit;
        _slots = new SemaphoreSlim(maxConnections);
        _unixPath = (listener.LocalEndPoint as UnixDomainSocketEndPoint)?.ToString();
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Where the loop listens.</summary>
    public EndPoint EndPoint => _listener.LocalEndPoint!;

    /// <summary>
    /// Binds <paramref name="endPoint"/> and starts accepting. <paramref name="bound"/> runs between bind
    /// and listen, before anyone can connect. On stop, <paramref name="dropClients"/> closes open
    /// connections; otherwise they get up to <paramref name="drainLimit"/> to finish.
    /// </summary>
    public static AcceptLoop Start(
        EndPoint endPoint,
        Func<Socket, CancellationToken, Task> serve,
        bool dropClients,
        TimeSpan drainLimit,
        int maxConnections,
        Action? bound = null)
    {
        var listener = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endPoint);
            bound?.Invoke();

            // The system's largest backlog: a burst of connections waits to be accepted instead of being
            // dropped, which would cost each client a second for its SYN to be sent again.
            listener.Listen();
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new AcceptLoop(listener, serve, dropClients, drainLimit, maxConnections);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                await _slots.WaitAsync(_stop.Token).ConfigureAwait(false);
                try
                {
                    client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                }
                catch
                {
                    _slots.Release();
                    throw;
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                // A connection reset in the backlog, or no descriptor left for now: keep listening, without spinning.
                await Task.Delay(10).ConfigureAwait(false);
                continue;
            }

            long id;
            lock (_open)
            {
                id = _nextId++;
                _open.Add(id, client);
            }

            _ = Task.Run(() => ServeOneAsync(id, client));
        }
    }

    private async Task ServeOneAsync(long id, Socket client)
    {
        try
        {
            await _serve(client, _stop.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever a client did, it ends its own connection, never the server.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            client.Dispose();
            _slots.Release();
            lock (_open)
            {
                _open.Remove(id);
                if (_stopping && _open.Count == 0)
                {
                    _drained.TrySetResult();
                }
            }
        }
    }

    /// <summary>Stops accepting, ends or drains the connections, and removes a Unix socket's file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _loop.ConfigureAwait(false);
        lock (_open)
        {
            _stopping = true;
            if (_dropClients)
            {
                foreach (var client in _open.Values)
                {
                    client.Dispose();
                }
            }

            if (_open.Count == 0)
            {
                _drained.TrySetResult();
            }
        }

        await Task.WhenAny(_drained.Task, Task.Delay(_drainLimit)).ConfigureAwait(false);
        if (_unixPath != null && File.Exists(_unixPath))
        {
            File.Delete(_unixPath);
        }

        _stop.Dispose();
    }
}
