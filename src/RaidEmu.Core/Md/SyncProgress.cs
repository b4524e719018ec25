namespace RaidEmu.Core.Md;

/// <summary>How far a recovery, resync or scrub has gone, in bytes of each member's data area.</summary>
/// <param name="Kind">What is running.</param>
/// <param name="DoneBytes">Bytes done.</param>
/// <param name="TotalBytes">Bytes in all.</param>
public readonly record struct SyncProgress(SyncKind Kind, long DoneBytes, long TotalBytes);
