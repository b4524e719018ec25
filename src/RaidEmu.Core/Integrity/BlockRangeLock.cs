namespace RaidEmu.Core.Integrity;

/// <summary>
/// Excludes overlapping block ranges from each other, so a block's data and tag change together: a read
/// never sees new data with the old tag, and two writes into one block never merge against the same old bytes.
/// </summary>
internal sealed class BlockRangeLock
{
    private readonly object _gate = new();
    private readonly List<(long First, long Last)> _held = [];

    /// <summary>Waits until no held range overlaps blocks [first, last], then holds it.</summary>
    public Holder Enter(long first, long last)
    {
        lock (_gate)
        {
            while (Overlaps(first, last))
            {
                Monitor.Wait(_gate);
            }

            _held.Add((first, last));
        }

        return new Holder(this, first, last);
    }

    // A plain loop: a predicate lambda would capture the range and allocate on every I/O.
    private bool Overlaps(long first, long last)
    {
        foreach (var (heldFirst, heldLast) in _held)
        {
            if (heldFirst <= last && first <= heldLast)
            {
                return true;
            }
        }

        return false;
    }

    private void Exit(long first, long last)
    {
        lock (_gate)
        {
            _held.Remove((first, last));
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Releases its range when disposed.</summary>
    internal readonly struct Holder(BlockRangeLock owner, long first, long last) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => owner.Exit(first, last);
    }
}
