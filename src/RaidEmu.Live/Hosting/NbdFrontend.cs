using System.Net;
using System.Net.Sockets;
using RaidEmu.Core.Devices;
using RaidEmu.Live.Nbd;

namespace RaidEmu.Live.Hosting;

/// <summary>The array as an NBD export named after it.</summary>
public sealed class NbdFrontend(NbdServer server, string exportName) : IFrontend
{
    /// <inheritdoc/>
    public string Ready => $"as NBD export '{exportName}' on {Describe(server.EndPoint)}";

    /// <summary>
    /// Listens on <paramref name="endPoint"/>; a port or path in use is an I/O error naming it. <paramref name="timedDisks"/>:
    /// the array's members follow a disk timing profile.
    /// </summary>
    public static NbdFrontend Start(IBlockDevice volume, string name, EndPoint endPoint, bool readOnly, bool timedDisks = false)
    {
        try
        {
            return new NbdFrontend(NbdServer.Start(volume, name, endPoint, readOnly, timedDisks, (volume as LiveVolume)?.StripeBytes ?? 0), name);
        }
        catch (SocketException ex)
        {
            throw new IOException($"cannot listen on {Describe(endPoint)}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public bool TryStop(out string problem)
    {
        problem = "";
        server.DisposeAsync().AsTask().Wait();
        return true;
    }

    private static string Describe(EndPoint endPoint) => endPoint switch
    {
        UnixDomainSocketEndPoint unix => $"unix socket {unix}",
        _ => endPoint.ToString()!,
    };
}
