using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using RaidEmu.Live.Sockets;

namespace RaidEmu.Live.Control;

/// <summary>
/// The control socket of a served array: a Unix socket in the array folder, readable and writable by its
/// owner only (mode 0600), taking one JSON request line and answering one JSON response line per connection.
/// </summary>
public sealed class ControlServer : IAsyncDisposable
{
    /// <summary>The socket's file name inside an array folder.</summary>
    public const string FileName = ".control";

    private readonly Func<ControlRequest, ControlResponse> _handler;
    private AcceptLoop? _accept;

    private ControlServer(Func<ControlRequest, ControlResponse> handler)
    {
        _handler = handler;
    }

    /// <summary>Binds the socket in <paramref name="folder"/> (replacing a stale one) and starts answering.</summary>
    public static ControlServer Start(string folder, Func<ControlRequest, ControlResponse> handler)
    {
        string path = Path.Combine(folder, FileName);
        if (File.Exists(path))
        {
            // Only the owner of the folder's lock gets here, so a socket left behind is from a dead server.
            File.Delete(path);
        }

        var server = new ControlServer(handler);

        // Requests already running when the server stops (the "stop" itself among them) finish and answer;
        // a long one is not waited for past a bound.
        server._accept = AcceptLoop.Start(
            new UnixDomainSocketEndPoint(path),
            server.ServeAsync,
            dropClients: false,
            drainLimit: TimeSpan.FromSeconds(10),
            maxConnections: 64,
            bound: () => File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite));
        return server;
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        using var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
            string? line = await reader.ReadLineAsync(stopping).ConfigureAwait(false);
            var request = line == null ? null : JsonSerializer.Deserialize<ControlRequest>(line);
            var response = request == null
                ? new ControlResponse(2, "", "raidemu: empty control request\n")
                : Invoke(request);
            var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(response) + "\n");
            // Not cancellable: the answer to "stop" is written while the server is shutting down.
            await stream.WriteAsync(bytes, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or JsonException or OperationCanceledException or SocketException)
        {
            // A client that went away, or sent garbage, only loses its own answer.
        }
    }

    private ControlResponse Invoke(ControlRequest request)
    {
        try
        {
            return _handler(request);
        }
#pragma warning disable CA1031 // Whatever the command did, the client gets an answer rather than a dropped socket.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new ControlResponse(1, "", $"raidemu: internal error in the serving process: {ex.GetType().Name}: {ex.Message}\n");
        }
    }

    /// <summary>Stops answering and removes the socket file.</summary>
    public ValueTask DisposeAsync() => _accept?.DisposeAsync() ?? ValueTask.CompletedTask;
}
