namespace RaidEmu.Core.Md;

/// <summary>The shape of an array, fixed at creation.</summary>
/// <param name="Level">RAID level.</param>
/// <param name="RaidDisks">Number of slots.</param>
/// <param name="ChunkBytes">Chunk size (RAID 5); 0 for RAID 1.</param>
/// <param name="Algorithm">RAID 5 parity placement.</param>
/// <param name="ComponentBytes">Bytes of each member's data area that the array uses.</param>
/// <param name="DataOffsetBytes">Where the data area starts on each member.</param>
public readonly record struct ArrayGeometry(
    RaidLevel Level,
    int RaidDisks,
    int ChunkBytes,
    Raid5Algorithm Algorithm,
    long ComponentBytes,
    long DataOffsetBytes)
{
    /// <summary>Size of the logical volume.</summary>
    public long LogicalBytes => Level == RaidLevel.Raid1 ? ComponentBytes : ComponentBytes * (RaidDisks - 1);

    /// <summary>The data bytes of one RAID 5 stripe (a chunk on every member but the parity's): writes of whole stripes need no reads. 0 for RAID 1.</summary>
    public long FullStripeBytes => Level == RaidLevel.Raid5 ? (long)ChunkBytes * (RaidDisks - 1) : 0;

    /// <summary>The fewest slots that must be in sync for the array to serve.</summary>
    public int MinInSync => Level == RaidLevel.Raid1 ? 1 : RaidDisks - 1;
}
