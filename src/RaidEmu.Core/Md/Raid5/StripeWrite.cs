namespace RaidEmu.Core.Md.Raid5;

/// <summary>
/// What a planner needs to know about one window [Lo, Hi) of a stripe being written: which bytes of each
/// data chunk the request covers and which member cannot be read there. No I/O, no member objects.
/// </summary>
/// <param name="Lo">First chunk byte of the window.</param>
/// <param name="Hi">One past the last chunk byte of the window.</param>
/// <param name="Written">Per data index: the bytes of that chunk the request writes, inside [Lo, Hi).</param>
internal sealed record StripeWrite(int Lo, int Hi, IReadOnlyList<ColumnRange> Written)
{
    /// <summary>Data index of the member that cannot be read over the window (missing, or rebuilding below Hi); -1 when none.</summary>
    public int UnreadableData { get; init; } = -1;

    /// <summary>True when the parity member cannot be read over the window.</summary>
    public bool UnreadableParity { get; init; }

    /// <summary>
    /// True when the window lies beyond the resync point, where parity is not yet known consistent. md forces a
    /// reconstruct-write there: read-modify-write would fold wrong old parity into the new one, and a later
    /// degraded read would return wrong bytes for acknowledged data.
    /// </summary>
    public bool BeyondResyncPoint { get; init; }

    /// <summary>
    /// Data indices that cannot be read over the window when more than one column is down (then
    /// <see cref="UnreadableData"/> stays -1 and <see cref="UnreadableParity"/> says whether parity is down too).
    /// </summary>
    public IReadOnlyList<int> DownData { get; init; } = [];

    /// <summary>Number of data chunks.</summary>
    public int DataColumns => Written.Count;

    /// <summary>True when the request covers the whole window of data chunk <paramref name="k"/>.</summary>
    public bool IsFull(int k) => Written[k].From == Lo && Written[k].To == Hi;
}
