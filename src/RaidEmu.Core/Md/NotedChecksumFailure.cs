namespace RaidEmu.Core.Md;

/// <summary>
/// A member block that failed its checksum during a scrub, as noted. A class, not a tuple: the scrub's list of
/// them is built in every check, and a framework list of a value type is compiled at run time.
/// </summary>
/// <param name="Member">The member.</param>
/// <param name="Offset">Offset in the member's data area.</param>
/// <param name="Length">Bytes of the block.</param>
/// <param name="Repaired">False when no redundancy was left to rebuild the block.</param>
internal sealed record NotedChecksumFailure(Member Member, long Offset, int Length, bool Repaired);
