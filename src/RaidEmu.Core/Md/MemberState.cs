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
}
