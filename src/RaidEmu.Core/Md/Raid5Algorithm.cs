namespace RaidEmu.Core.Md;

/// <summary>md's RAID 5 parity placements, with md's on-disk layout numbers.</summary>
public enum Raid5Algorithm
{
    /// <summary>Parity rotates from the last member down; data fills members in order, skipping parity.</summary>
    LeftAsymmetric = 0,

    /// <summary>Parity rotates from the first member up; data fills members in order, skipping parity.</summary>
    RightAsymmetric = 1,

    /// <summary>md's default: parity rotates from the last member down; data continues after parity ("rotating parity N with data continuation").</summary>
    LeftSymmetric = 2,

    /// <summary>Parity rotates from the first member up; data continues after parity.</summary>
    RightSymmetric = 3,
}
