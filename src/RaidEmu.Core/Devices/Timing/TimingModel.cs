namespace RaidEmu.Core.Devices.Timing;

/// <summary>
/// How long a disk takes to serve one I/O. A mechanical disk (<see cref="Rpm"/> above zero) positions its head
/// first: a seek that grows with the square root of the distance travelled (as measured seek curves do) plus a
/// rotational wait drawn uniformly within one turn; a short forward gap costs only the time the platter takes
/// to pass it. Every disk then transfers at <see cref="BytesPerSecond"/> and adds its fixed latency.
/// </summary>
public sealed record TimingModel
{
    /// <summary>A 7200 rpm hard disk: 0.5-15 ms seeks, ~4.2 ms average rotational wait, 200 MB/s, one I/O at a time.</summary>
    public static TimingModel Hdd { get; } = new()
    {
        SeekMinMs = 0.5,
        SeekMaxMs = 15,
        Rpm = 7200,
        BytesPerSecond = 200_000_000,
        OneAtATime = true,
    };

    /// <summary>A SATA SSD: 80 µs reads, 40 µs writes (into its cache), 500 MB/s.</summary>
    public static TimingModel Ssd { get; } = new() { ReadLatencyUs = 80, WriteLatencyUs = 40, BytesPerSecond = 500_000_000 };

    /// <summary>An NVMe SSD: 20 µs reads and writes, 3 GB/s.</summary>
    public static TimingModel Nvme { get; } = new() { ReadLatencyUs = 20, WriteLatencyUs = 20, BytesPerSecond = 3_000_000_000 };

    /// <summary>Track-to-track seek, in milliseconds.</summary>
    public double SeekMinMs { get; init; }

    /// <summary>Full-stroke seek, in milliseconds.</summary>
    public double SeekMaxMs { get; init; }

    /// <summary>Spindle speed; zero for a disk without moving parts.</summary>
    public int Rpm { get; init; }

    /// <summary>Fixed time added to every read, in microseconds.</summary>
    public double ReadLatencyUs { get; init; }

    /// <summary>Fixed time added to every write, in microseconds.</summary>
    public double WriteLatencyUs { get; init; }

    /// <summary>Media transfer rate.</summary>
    public long BytesPerSecond { get; init; }

    /// <summary>True when the disk serves one I/O at a time (one head); false when latencies overlap (flash queues).</summary>
    public bool OneAtATime { get; init; }

    /// <summary>One full turn of the platter; zero without one.</summary>
    public TimeSpan Rotation => Rpm > 0 ? TimeSpan.FromMinutes(1.0 / Rpm) : TimeSpan.Zero;

    /// <summary>
    /// The service time of an I/O of <paramref name="length"/> bytes at <paramref name="offset"/> when the head
    /// rests at byte <paramref name="head"/> of a <paramref name="deviceBytes"/>-byte disk; <paramref name="draw"/>
    /// in [0, 1) places the rotational wait. Occupied is the time the disk cannot serve another I/O; Afterwards
    /// is latency that overlaps with the next one.
    /// </summary>
    public (TimeSpan Occupied, TimeSpan Afterwards) Cost(long offset, long length, bool write, long head, long deviceBytes, double draw)
    {
        var transfer = BytesPerSecond > 0 ? TimeSpan.FromSeconds((double)length / BytesPerSecond) : TimeSpan.Zero;
        var latency = TimeSpan.FromMicroseconds(write ? WriteLatencyUs : ReadLatencyUs);
        var positioning = Positioning(offset - head, deviceBytes, draw);
        return OneAtATime
            ? (positioning + latency + transfer, TimeSpan.Zero)
            : (positioning + transfer, latency);
    }

    private TimeSpan Positioning(long gap, long deviceBytes, double draw)
    {
        if (Rpm <= 0 || gap == 0)
        {
            return TimeSpan.Zero;
        }

        double fraction = Math.Min(1, (double)Math.Abs(gap) / Math.Max(1, deviceBytes));
        var seek = TimeSpan.FromMilliseconds(SeekMinMs + ((SeekMaxMs - SeekMinMs) * Math.Sqrt(fraction))) + (Rotation * draw);

        // Reading on past a short forward gap is cheaper than moving the head.
        if (gap > 0 && BytesPerSecond > 0)
        {
            var passOver = TimeSpan.FromSeconds((double)gap / BytesPerSecond);
            return passOver < seek ? passOver : seek;
        }

        return seek;
    }
}
