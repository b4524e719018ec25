using System.Net;
using System.Net.Sockets;
using RaidEmu.Core.Devices;
using RaidEmu.Live.Sockets;

namespace RaidEmu.Live.Nbd;

/// <summary>
/// An NBD server exporting one block device (fixed newstyle; INFO, GO, EXPORT_NAME, LIST, ABORT; READ,
/// WRITE, FLUSH, TRIM, WRITE_ZEROES, DISC; FUA honoured; several connections at once). Whatever clients do,
/// it stays bounded: at most <see cref="MaxConnections"/> connections, each with at most
/// <see cref="NbdTransmission.MaxInFlight"/> requests in flight, every payload moving through the shared
/// budget of <see cref="NbdBuffers"/>, and a handshake must end within <see cref="HandshakeTimeout"/>.
/// </summary>
public sealed class NbdServer : IAsyncDisposable
{
    /// <summary>Connections open at once; more are closed as soon as they are accepted.</summary>
    public const int MaxConnections = 512;

    /// <summary>How long a client may take to choose the export (qemu-nbd allows the same).</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Send buffer asked for on the first <see cref="LargeSendBufferConnections"/> connections (Linux doubles it):
    /// room for a few whole 256 KiB read replies. With the default (about 208 KiB) each reply to a streaming reader
    /// left in parts, every part finished by a hand-off from the socket thread to the pool (nbdcopy: about 10 % more
    /// server CPU per byte). Later connections keep the default, so clients that never read cannot make the kernel
    /// hold more than 16 × 2 MiB beyond it.
    /// </summary>
    private const int SendBufferBytes = 1024 * 1024;

    private const int LargeSendBufferConnections = 16;

    private readonly NbdExport _export;
    private AcceptLoop? _accept;
    private int _largeSendBuffers;

    private NbdServer(NbdExport export)
    {
        _export = export;
    }

    /// <summary>Where the server listens.</summary>
    public EndPoint EndPoint => _accept!.EndPoint;

    /// <summary>
    /// Binds and starts serving; port 0 picks a free port. <paramref name="timedDisks"/>: the members follow a disk
    /// timing model, whose queue depth clients must see, so every request runs on the thread pool however fast.
    /// <paramref name="stripeBytes"/>: the device's full stripe, where writes gathered together end (0: none).
    /// </summary>
    public static NbdServer Start(IBlockDevice device, string exportName, EndPoint endPoint, bool readOnly = false, bool timedDisks = false, long stripeBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var server = new NbdServer(new NbdExport(device, exportName, readOnly, timedDisks, stripeBytes));
        server._accept = AcceptLoop.Start(endPoint, server.ServeAsync, dropClients: true, drainLimit: Timeout.InfiniteTimeSpan, MaxConnections);
        return server;
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        if (client.AddressFamily != AddressFamily.Unix)
        {
            client.NoDelay = true;
        }

        bool large = Interlocked.Increment(ref _largeSendBuffers) <= LargeSendBufferConnections;
        if (!large)
        {
            Interlocked.Decrement(ref _largeSendBuffers);
        }
        else
        {
            try
            {
                client.SendBufferSize = SendBufferBytes;
            }
            catch (SocketException)
            {
                // The default buffer only costs speed.
            }
        }

        var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            bool chosen;
            using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                handshake.CancelAfter(HandshakeTimeout);
                chosen = await new NbdHandshake(stream, _export).RunAsync(handshake.Token).ConfigureAwait(false);
            }

            if (chosen)
            {
                using var transmission = new NbdTransmission(stream, _export);
                await transmission.RunAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or OperationCanceledException or SocketException)
        {
            // The client left (fio closes its probe connection without NBD_CMD_DISC), was too slow, or the
            // server is stopping: an ordinary end of this connection.
        }
        finally
        {
            // Clients wait for the server to close the socket after DISC or ABORT.
            await stream.DisposeAsync().ConfigureAwait(false);
            if (large)
            {
                Interlocked.Decrement(ref _largeSendBuffers);
            }
        }
    }

    /// <summary>Stops accepting, closes every connection and waits for them.</summary>
    public ValueTask DisposeAsync() => _accept?.DisposeAsync() ?? ValueTask.CompletedTask;
}
