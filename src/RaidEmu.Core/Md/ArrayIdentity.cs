namespace RaidEmu.Core.Md;

/// <summary>What names an array: its UUID, its name and its birth.</summary>
/// <param name="Uuid">md's set_uuid.</param>
/// <param name="Name">md's set_name.</param>
/// <param name="CreationTime">md's ctime.</param>
public readonly record struct ArrayIdentity(Guid Uuid, string Name, DateTimeOffset CreationTime);
