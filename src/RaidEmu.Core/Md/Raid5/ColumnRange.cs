namespace RaidEmu.Core.Md.Raid5;

/// <summary>Chunk bytes [From, To) of one column of a stripe; empty when From is not below To.</summary>
/// <param name="From">First byte, relative to the start of the chunk.</param>
/// <param name="To">One past the last byte.</param>
internal readonly record struct ColumnRange(int From, int To)
{
    public static ColumnRange None => default;

    public bool IsEmpty => From >= To;

    public int Length => IsEmpty ? 0 : To - From;
}
