namespace RaidEmu.Core.Md;

/// <summary>
/// A member's bad blocks, as md keeps them (md's struct badblocks): sorted, merged runs of sectors the member
/// could not write or could not be repaired. The on-disk log holds at most <see cref="MaxEntries"/> entries of
/// at most <see cref="MaxEntrySectors"/> sectors each; a list that would need more is full, and md then fails
/// the member instead. Thread-safe.
/// </summary>
public sealed class BadBlockList
{
    /// <summary>Entries one 4 KiB log holds (8 bytes each).</summary>
    public const int MaxEntries = 512;

    /// <summary>Longest run one entry describes.</summary>
    public const int MaxEntrySectors = 512;

    private readonly Lock _lock = new();
    private readonly List<BadBlock> _runs = [];
    private long _version;
    private volatile int _count;

    /// <summary>The runs, sorted and merged.</summary>
    public IReadOnlyList<BadBlock> Runs
    {
        get
        {
            lock (_lock)
            {
                return [.. _runs];
            }
        }
    }

    /// <summary>Entries the on-disk log needs for <see cref="Runs"/>.</summary>
    public int EntryCount
    {
        get
        {
            lock (_lock)
            {
                return Entries(_runs);
            }
        }
    }

    /// <summary>Total bad sectors.</summary>
    public long Sectors
    {
        get
        {
            lock (_lock)
            {
                return _runs.Sum(r => r.Count);
            }
        }
    }

    /// <summary>Bumped on every change, so the superblock writer knows the log must be rewritten.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>True when no sector is bad.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _runs.Count == 0;
            }
        }
    }

    /// <summary>Records [sector, sector+count); false, and nothing recorded, when the log would overflow.</summary>
    public bool Add(long sector, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sector);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_lock)
        {
            var next = new List<BadBlock>(_runs) { new(sector, count) };
            next.Sort((a, b) => a.Sector.CompareTo(b.Sector));
            var merged = new List<BadBlock>(next.Count);
            foreach (var run in next)
            {
                if (merged.Count > 0 && merged[^1].End >= run.Sector)
                {
                    var last = merged[^1];
                    merged[^1] = new BadBlock(last.Sector, Math.Max(last.End, run.End) - last.Sector);
                }
                else
                {
                    merged.Add(run);
                }
            }

            if (Entries(merged) > MaxEntries)
            {
                return false;
            }

            _runs.Clear();
            _runs.AddRange(merged);
            _count = _runs.Count;
            Interlocked.Increment(ref _version);
            return true;
        }
    }

    /// <summary>Forgets [sector, sector+count) (the range was written successfully); true when anything changed.</summary>
    public bool Clear(long sector, long count)
    {
        long end = sector + count;
        lock (_lock)
        {
            bool changed = false;
            for (int i = _runs.Count - 1; i >= 0; i--)
            {
                var run = _runs[i];
                if (run.End <= sector || end <= run.Sector)
                {
                    continue;
                }

                changed = true;
                _runs.RemoveAt(i);
                if (run.End > end)
                {
                    _runs.Insert(i, new BadBlock(end, run.End - end));
                }

                if (run.Sector < sector)
                {
                    _runs.Insert(i, new BadBlock(run.Sector, sector - run.Sector));
                }
            }

            if (changed)
            {
                _count = _runs.Count;
                Interlocked.Increment(ref _version);
            }

            return changed;
        }
    }

    /// <summary>True when any sector of [sector, sector+count) is bad.</summary>
    public bool Overlaps(long sector, long count)
    {
        // The data path asks this on every member read: an empty list answers without the lock.
        if (_count == 0)
        {
            return false;
        }

        long end = sector + count;
        lock (_lock)
        {
            foreach (var run in _runs)
            {
                if (run.Sector < end && sector < run.End)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Replaces the whole list (loading a member's log at assembly).</summary>
    public void Load(IEnumerable<BadBlock> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        lock (_lock)
        {
            _runs.Clear();
            _count = 0;
        }

        foreach (var run in runs)
        {
            if (!Add(run.Sector, run.Count))
            {
                throw new InvalidDataException("bad-block log holds more entries than fit");
            }
        }
    }

    private static int Entries(List<BadBlock> runs) =>
        runs.Sum(r => (int)((r.Count + MaxEntrySectors - 1) / MaxEntrySectors));
}
