namespace RaidEmu.Core.Md;

/// <summary>A run of bad sectors on a member: 512-byte sectors of its data area, as md's bad-block log counts them.</summary>
public readonly record struct BadBlock(long Sector, long Count)
{
    /// <summary>One past the last sector.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long End => Sector + Count;
}
