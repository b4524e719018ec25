namespace RaidEmu.Core.Md;

/// <summary>
/// A member's state, as md's rdev flags. A member is never both faulty and in sync; a rebuilding member
/// holds a slot but may only be read below its recovery offset.
/// </summary>
public enum MemberState
{
    /// <summary>Holds a slot and all its data is current.</summary>
    InSync,

    /// <summary>Holds a slot and is being rebuilt; bytes below its recovery offset are current.</summary>
    Rebuilding,

    /// <summary>Holds no slot; takes one over when a member fails.</summary>
    Spare,

    /// <summary>Failed; never read or written again until removed.</summary>
    Faulty,

    /// <summary>
    /// Left out at assembly: its superblock says it held a slot, but its events are behind and the array no longer
    /// lists it (md kicks such a "non-fresh" member). Its data is old; it is neither read nor taken as a spare
    /// until it is added again by hand.
    /// </summary>
    Stale,
}
