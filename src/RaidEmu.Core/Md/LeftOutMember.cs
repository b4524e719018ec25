namespace RaidEmu.Core.Md;

/// <summary>A member file assembly could not use (unreadable, damaged superblock, truncated), and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Reason">Why it was left out.</param>
public sealed record LeftOutMember(string Path, string Reason);
