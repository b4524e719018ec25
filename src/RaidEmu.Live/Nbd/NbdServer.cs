using System.Net;
using System.Net.Sockets;
using RaidEmu.Core.Devices;
using RaidEmu.Live.Sockets;

namespace RaidEmu.Live.Nbd;

/// <summary>
/// An NBD server exporting one block device (fixed newstyle; INFO, GO, EXPORT_NAME, LIST, ABORT; READ,
/// WRITE, FLUSH, TRIM, WRITE_ZEROES, DISC; FUA honoured; several connections at once).
/// </summary>
public sealed class NbdServer : IAsyncDisposable
{
    private readonly NbdExport _export;
    private AcceptLoop? _accept;

    private NbdServer(NbdExport export)
    {
        _export = export;
    }

    /// <summary>Where the server listens.</summary>
    public EndPoint EndPoint => _accept!.EndPoint;

    /// <summary>Binds and starts serving; port 0 picks a free port.</summary>
    public static NbdServer Start(IBlockDevice device, string exportName, EndPoint endPoint, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var server = new NbdServer(new NbdExport(device, exportName, readOnly));
        server._accept = AcceptLoop.Start(endPoint, server.ServeAsync, dropClients: true, drainLimit: Timeout.InfiniteTimeSpan);
        return server;
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        if (client.AddressFamily != AddressFamily.Unix)
        {
            client.NoDelay = true;
        }

        var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            if (await new NbdHandshake(stream, _export).RunAsync(stopping).ConfigureAwait(false))
            {
                await new NbdTransmission(stream, _export).RunAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (EndOfStreamException)
        {
            // fio closes its probe connection without NBD_CMD_DISC: an ordinary end.
        }
        catch (IOException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            // Clients wait for the server to close the socket after DISC or ABORT.
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops accepting, closes every connection and waits for them.</summary>
    public ValueTask DisposeAsync() => _accept?.DisposeAsync() ?? ValueTask.CompletedTask;
}
