using RaidEmu.Core.Devices;
using RaidEmu.Core.Faults;

namespace RaidEmu.Core.Md;

public sealed partial class RaidArray
{
    /// <summary>
    /// The faults injected into the members. An array opened from a folder applies them through each member's
    /// device, which reads this set on every I/O: a fault added or cleared here takes effect at once.
    /// </summary>
    public FaultSet Faults { get; internal set; } = new();

    /// <summary>
    /// Puts a member device added later (a new member, a re-add) behind the same layers as those the array was
    /// opened with: (device, its device number, its data offset) to the device the array uses. Null: used as given.
    /// </summary>
    internal Func<IBlockDevice, int, long, IBlockDevice>? MemberLayers { get; set; }
}
