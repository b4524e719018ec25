namespace RaidEmu.Core.Md;

/// <summary>The RAID levels (md personalities) RaidEmu implements.</summary>
public enum RaidLevel
{
    /// <summary>Mirroring: every member holds the whole volume.</summary>
    Raid1 = 1,

    /// <summary>Striping with one rotating parity chunk per stripe.</summary>
    Raid5 = 5,
}
