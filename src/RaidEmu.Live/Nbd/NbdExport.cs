using RaidEmu.Core.Devices;
using static RaidEmu.Live.Nbd.NbdProtocol;

namespace RaidEmu.Live.Nbd;

/// <summary>What the server exports: the device, the name clients ask for, and whether it takes writes.</summary>
internal sealed record NbdExport(IBlockDevice Device, string Name, bool ReadOnly)
{
    /// <summary>The transmission flags announced in the handshake: what the transmission phase supports.</summary>
    public ushort TransmissionFlags =>
        (ushort)(TransHasFlags | TransSendFlush | TransSendFua | TransSendTrim | TransSendWriteZeroes | TransCanMultiConn
            | (ReadOnly ? TransReadOnly : 0));

    /// <summary>An empty name selects the default export, which is this one.</summary>
    public bool Matches(string name) => name.Length == 0 || name == Name;
}
