namespace RaidEmu.Core.Md;

/// <summary>What an array starts from, as read from the freshest superblock (or fresh at creation).</summary>
/// <param name="Events">md's event count.</param>
/// <param name="SyncedUpTo">Member bytes known consistent; <see cref="long.MaxValue"/> when in sync.</param>
/// <param name="AnnounceRecovery">Log why members are rebuilt (stale, resumed) when recovery starts.</param>
internal readonly record struct ArrayStartState(ulong Events, long SyncedUpTo, bool AnnounceRecovery);
