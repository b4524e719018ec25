using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid1;
using RaidEmu.Core.Md.Raid5;

namespace RaidEmu.Core.Mdadm;

/// <summary>The personality that runs each level, as md looks one up by level when an array starts.</summary>
internal static class Personalities
{
    public static Func<MemberIo, Personality> For(RaidLevel level) => level switch
    {
        RaidLevel.Raid1 => io => new Raid1Personality(io),
        RaidLevel.Raid5 => io => new Raid5Personality(io),
        _ => throw new ArgumentException($"RAID level {(int)level} is not supported (use 1 or 5)"),
    };
}
