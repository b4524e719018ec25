using RaidEmu.Core.Devices;

namespace RaidEmu.Live;

/// <summary>
/// A device that can lose power and come back. Clients that opened it before a power loss must not carry
/// on as if nothing happened (their host would have crashed with it), so front ends refuse them: FUSE
/// handles opened earlier get I/O errors, NBD connections opened earlier are dropped.
/// </summary>
public interface IPowerCycledDevice : IBlockDevice
{
    /// <summary>Goes up by one at every power loss.</summary>
    int PowerCycle { get; }
}
