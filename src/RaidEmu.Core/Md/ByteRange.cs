namespace RaidEmu.Core.Md;

/// <summary>A run of bytes: of the logical volume, or of a member's data area, as the user says.</summary>
public readonly record struct ByteRange(long Offset, long Length)
{
    /// <summary>One past the last byte.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long End => Offset + Length;
}
