namespace RaidEmu.Core.Faults;

/// <summary>The faults of one disk at one <see cref="FaultSet.Version"/>: what a device checks on each I/O.</summary>
internal sealed class DiskFaults
{
    private DiskFaults(long version, Fault[] faults)
    {
        Version = version;
        All = faults;
    }

    /// <summary>The set's version this snapshot was taken at.</summary>
    public long Version { get; }

    /// <summary>The disk's faults, in the order they were added.</summary>
    public Fault[] All { get; }

    /// <summary>True when the disk has no fault: I/O goes straight through.</summary>
    public bool IsEmpty => All.Length == 0;

    /// <summary>A snapshot that matches no version, so the first I/O takes a real one.</summary>
    public static DiskFaults Stale { get; } = new(-1, []);

    /// <summary>The faults of <paramref name="disk"/> in <paramref name="set"/> now.</summary>
    public static DiskFaults Of(FaultSet set, int disk)
    {
        // The version is read first: a change after it makes the snapshot newer than its version, never older.
        long version = set.Version;
        return new DiskFaults(version, [.. set.For(disk)]);
    }
}
