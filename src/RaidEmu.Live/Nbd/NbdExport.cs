using RaidEmu.Core.Devices;
using static RaidEmu.Live.Nbd.NbdProtocol;

namespace RaidEmu.Live.Nbd;

/// <summary>
/// What the server exports: the device, the name clients ask for, whether it takes writes, whether its
/// members follow a disk timing model (requests then always overlap, as they would on such disks), and the
/// bytes of one full stripe (0 when the device has none), at whose ends gathered writes stop.
/// </summary>
internal sealed record NbdExport(IBlockDevice Device, string Name, bool ReadOnly, bool TimedDisks = false, long StripeBytes = 0)
{
    /// <summary>
    /// The transmission flags announced in the handshake: what the transmission phase supports. A read-only
    /// export announces nothing that writes (FUA, TRIM, WRITE_ZEROES), as the NBD protocol asks.
    /// </summary>
    public ushort TransmissionFlags => (ushort)(TransHasFlags | TransSendFlush | TransCanMultiConn
        | (ReadOnly ? TransReadOnly : TransSendFua | TransSendTrim | TransSendWriteZeroes));

    /// <summary>An empty name selects the default export, which is this one.</summary>
    public bool Matches(string name) => name.Length == 0 || name == Name;
}
