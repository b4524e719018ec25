using System.Net;
using System.Net.Sockets;
using RaidEmu.Core.Devices;
using RaidEmu.Live.Nbd;

namespace RaidEmu.Cli.Commands;

/// <summary>The array as an NBD export named after it.</summary>
internal sealed class NbdFrontend(NbdServer server, string exportName) : IFrontend
{
    public string Ready => $"as NBD export '{exportName}' on {Describe(server.EndPoint)}";

    public static NbdFrontend Start(IBlockDevice volume, string name, EndPoint endPoint, bool readOnly)
    {
        try
        {
            return new NbdFrontend(NbdServer.Start(volume, name, endPoint, readOnly), name);
        }
        catch (SocketException ex)
        {
            throw new IOException($"cannot listen on {Describe(endPoint)}: {ex.Message}", ex);
        }
    }

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
