using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid1;
using RaidEmu.Core.Md.Raid5;

namespace RaidEmu.Core.Mdadm;

/// <summary>The personality that runs each level, as md looks one up by level when an array starts.</summary>
internal static class Personalities
{
    public static Func<RaidArray, Personality> For(RaidLevel level) => level switch
    {
        RaidLevel.Raid1 => array => new Raid1Personality(array),
        RaidLevel.Raid5 => array => new Raid5Personality(array),
        _ => throw new ArgumentException($"RAID level {(int)level} is not supported (use 1 or 5)"),
    };
}
