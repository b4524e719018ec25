namespace RaidEmu.Core.Faults;

/// <summary>
/// One injected fault on one member. Ranges count 512-byte sectors of the member's data area (from its data
/// offset, as md's bad-block log does), inclusive of <see cref="FirstSector"/>; no range means the whole disk.
/// Parameters a kind does not use stay null.
/// </summary>
public sealed record Fault
{
    /// <summary>Sector size ranges are counted in.</summary>
    public const int SectorBytes = 512;

    /// <summary>Identifier within the array, given when the fault is added.</summary>
    public int Id { get; init; }

    /// <summary>The member: its number in the array folder (md's dev_number, disk&lt;N&gt;.img).</summary>
    public int Disk { get; init; }

    /// <summary>What the member does.</summary>
    public FaultKind Kind { get; init; }

    /// <summary>First sector of the data area affected; null for the whole disk.</summary>
    public long? FirstSector { get; init; }

    /// <summary>Sectors affected from <see cref="FirstSector"/>; null for the whole disk.</summary>
    public long? SectorCount { get; init; }

    /// <summary>Slow: fixed latency added to every I/O, in milliseconds.</summary>
    public double? LatencyMs { get; init; }

    /// <summary>Slow: up to this much more latency, drawn from the seed, in milliseconds.</summary>
    public double? JitterMs { get; init; }

    /// <summary>Slow: bandwidth cap in bytes per second.</summary>
    public long? BytesPerSecond { get; init; }

    /// <summary>Flaky: probability (0..1) that one I/O fails.</summary>
    public double? Rate { get; init; }

    /// <summary>Hang: how long an I/O hangs before it fails; vanish: how long the member is gone. Milliseconds.</summary>
    public int? DurationMs { get; init; }

    /// <summary>Fail-after: writes let through before the member fails for good.</summary>
    public long? AfterWrites { get; init; }

    /// <summary>Fail-after: bytes written before the member fails for good.</summary>
    public long? AfterBytes { get; init; }

    /// <summary>Fail-after: the count has run out and the member is gone for good; null until then.</summary>
    public bool? Tripped { get; init; }

    /// <summary>Seed of every random choice the fault makes (flipped bits, jitter, flaky draws).</summary>
    public long Seed { get; init; }

    /// <summary>When the fault was added.</summary>
    public DateTimeOffset Added { get; init; }

    /// <summary>True when the fault covers the whole disk rather than a range.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool WholeDisk => FirstSector is null;

    /// <summary>True when the fault touches data-area bytes [<paramref name="offset"/>, +<paramref name="length"/>).</summary>
    public bool Touches(long offset, long length)
    {
        if (FirstSector is not long first)
        {
            return true;
        }

        long from = first * SectorBytes;
        long to = from + ((SectorCount ?? 0) * SectorBytes);
        return offset < to && from < offset + length;
    }
}
