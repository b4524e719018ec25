namespace RaidEmu.Core.Events;

/// <summary>The names of array events, as written to the log.</summary>
public static class EventTypes
{
    /// <summary>The array was created.</summary>
    public const string ArrayCreated = "ArrayCreated";

    /// <summary>The array was assembled from its members.</summary>
    public const string ArrayAssembled = "ArrayAssembled";

    /// <summary>A member was marked faulty.</summary>
    public const string MemberFailed = "MemberFailed";

    /// <summary>A member was taken out of the array.</summary>
    public const string MemberRemoved = "MemberRemoved";

    /// <summary>A member was added, as a replacement or as a spare.</summary>
    public const string MemberAdded = "MemberAdded";

    /// <summary>A member's event count was behind at assembly; it will be rebuilt, never read.</summary>
    public const string MemberStale = "MemberStale";

    /// <summary>A hot spare took over a failed member's slot.</summary>
    public const string SpareActivated = "SpareActivated";

    /// <summary>Rebuilding of a member began (or resumed).</summary>
    public const string RecoveryStarted = "RecoveryStarted";

    /// <summary>A member was fully rebuilt and is in sync.</summary>
    public const string RecoveryCompleted = "RecoveryCompleted";

    /// <summary>A resync of redundancy began (or resumed).</summary>
    public const string ResyncStarted = "ResyncStarted";

    /// <summary>Redundancy is consistent again.</summary>
    public const string ResyncCompleted = "ResyncCompleted";

    /// <summary>The array lost redundancy but still serves.</summary>
    public const string ArrayDegraded = "ArrayDegraded";

    /// <summary>Every slot is in sync again.</summary>
    public const string ArrayOptimal = "ArrayOptimal";

    /// <summary>Redundancy is exhausted: I/O fails.</summary>
    public const string ArrayFailed = "ArrayFailed";

    /// <summary>A dirty, degraded array was started by force, accepting the write hole.</summary>
    public const string ArrayForced = "ArrayForced";

    /// <summary>A check or repair finished, with its mismatch count.</summary>
    public const string ScrubCompleted = "ScrubCompleted";
}
