namespace RaidEmu.Live.Hosting;

/// <summary>What a serving process offers clients (an NBD export, a FUSE mount), and how it stops.</summary>
public interface IFrontend
{
    /// <summary>The line printed once clients can connect.</summary>
    string Ready { get; }

    /// <summary>Stops serving clients; false (still serving) when they cannot be let go yet.</summary>
    bool TryStop(out string problem);
}
