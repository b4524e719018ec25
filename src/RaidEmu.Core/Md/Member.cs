using RaidEmu.Core.Devices;
using RaidEmu.Core.Integrity;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Md;

/// <summary>One device of an array: its identity, its role and what it has done.</summary>
public sealed class Member
{
    private long _bytesRead;
    private long _bytesWritten;
    private long _recoveryOffset;
    private int _correctedReadErrors;
    private int _correctedChecksumErrors;
    private long _pendingIo;
    private long _readLatencyTicks;

    internal Member(int devNumber, IBlockDevice device, string? path, Guid deviceUuid)
    {
        DevNumber = devNumber;
        Device = device;
        Path = path;
        DeviceUuid = deviceUuid;
    }

    /// <summary>md's dev_number: permanent for the member's life in the array.</summary>
    public int DevNumber { get; }

    /// <summary>The file behind the member, when it has one.</summary>
    public string? Path { get; }

    /// <summary>The member's UUID.</summary>
    public Guid DeviceUuid { get; }

    /// <summary>Current state.</summary>
    public MemberState State { get; internal set; }

    /// <summary>Slot held (in sync or rebuilding), else the slot it last held, else -1.</summary>
    public int Slot { get; internal set; } = -1;

    /// <summary>For a rebuilding member: bytes of its data area already rebuilt.</summary>
    public long RecoveryOffset
    {
        get => Interlocked.Read(ref _recoveryOffset);
        internal set => Interlocked.Exchange(ref _recoveryOffset, value);
    }

    /// <summary>Event count last written to this member's superblock.</summary>
    public ulong Events { get; internal set; }

    /// <summary>True when assembly found this member behind the others; it is rebuilt from scratch.</summary>
    public bool WasStale { get; internal set; }

    /// <summary>
    /// True for a former member re-added within the bitmap's range: its recovery copies only the chunks the
    /// write-intent bitmap marks (md's Bitmap_sync), since it holds current data everywhere else.
    /// </summary>
    public bool BitmapRecovery { get; internal set; }

    /// <summary>Bytes read from the member's data area.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Bytes written to the member's data area.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>
    /// Read errors md repaired on this member by rewriting the range from redundancy (md's corrected_errors,
    /// kept in the superblock's cnt_corrected_read). md fails the member when they exceed its limit.
    /// </summary>
    public int CorrectedReadErrors => Volatile.Read(ref _correctedReadErrors);

    /// <summary>Sectors recorded bad on this member (its bad-block log).</summary>
    public BadBlockList BadBlocks { get; } = new();

    /// <summary>The member's checksums, when the array keeps them (<c>create --integrity</c>).</summary>
    public IntegrityDevice? Integrity => Device as IntegrityDevice;

    /// <summary>
    /// True when the member's metadata has a bad-block log, so bad blocks recorded in <see cref="BadBlocks"/> persist.
    /// Members of arrays made before RaidEmu wrote logs have none: md cannot record a bad block there and fails the
    /// member instead (a superblock write with bad blocks on such a member reports it failed).
    /// </summary>
    public bool HasBadBlockLog => OnDisk is { } super && BadBlockLog.IsConfigured(super);

    /// <summary><see cref="BadBlockList.Version"/> last written to the member's log; -1 when the log was never written.</summary>
    internal long BadBlocksWritten { get; set; } = -1;

    internal IBlockDevice Device { get; }

    /// <summary>
    /// Ranges a read of this member has just failed on, in sectors of its data area: kept only while the failing
    /// request is being served from redundancy and the range repaired, under that range's stripe lock.
    /// </summary>
    internal BadBlockList ReadErrors { get; } = new();

    /// <summary>Member I/Os in flight (md's nr_pending), for read balancing.</summary>
    internal long PendingIo => Interlocked.Read(ref _pendingIo);

    /// <summary>Recent read service time, an average weighted to the last reads, in Stopwatch ticks.</summary>
    internal long ReadLatencyTicks => Interlocked.Read(ref _readLatencyTicks);

    /// <summary>The superblock last read from or written to the member; null for a new one. Rewrites start from it.</summary>
    internal Superblock? OnDisk { get; set; }

    /// <summary>True when the member holds current data for the member bytes below <paramref name="end"/>.</summary>
    internal bool CanRead(long end) =>
        State == MemberState.InSync || (State == MemberState.Rebuilding && end <= RecoveryOffset);

    /// <summary>True when writes must reach the member.</summary>
    internal bool CanWrite => State is MemberState.InSync or MemberState.Rebuilding;

    /// <summary>Counts one corrected read error; returns the new count.</summary>
    internal int CountCorrectedReadError() => Interlocked.Increment(ref _correctedReadErrors);

    /// <summary>Read errors of <see cref="CorrectedReadErrors"/> that were checksum failures (silent corruption caught by <see cref="Integrity"/>), since the array started.</summary>
    public int CorrectedChecksumErrors => Volatile.Read(ref _correctedChecksumErrors);

    internal int CountCorrectedChecksumError() => Interlocked.Increment(ref _correctedChecksumErrors);

    /// <summary>Sets the count loaded from the superblock at assembly.</summary>
    internal void LoadCorrectedReadErrors(int count) => Volatile.Write(ref _correctedReadErrors, count);

    /// <summary>
    /// md's super_1_load: the member's superblock, the bad blocks of its log (<paramref name="runs"/>) and its
    /// corrected read errors (cnt_corrected_read). The log counts as written, so an unchanged list is not rewritten.
    /// </summary>
    internal void LoadFromDisk(Superblock super, IReadOnlyList<(long Sector, long Count)> runs, string label)
    {
        OnDisk = super;
        try
        {
            // Most members have no log: skipping the empty load keeps its generics over value types from being
            // compiled at run time in every command.
            if (runs.Count > 0 || !BadBlocks.IsEmpty)
            {
                BadBlocks.Load(runs.Select(r => new BadBlock(r.Sector, r.Count)));
            }
        }
        catch (InvalidDataException ex)
        {
            throw new MetadataException($"{label}: {ex.Message}", ex);
        }

        BadBlocksWritten = BadBlocks.Version;
        LoadCorrectedReadErrors((int)Math.Min(super.CorrectedReads, int.MaxValue));
    }

    internal void CountRead(int bytes) => Interlocked.Add(ref _bytesRead, bytes);

    /// <summary>True when the member holds current, readable data for member bytes [start, end).</summary>
    internal bool CanServe(long start, long end) =>
        CanRead(end) && !BadBlocks.Overlaps(start / 512, Sectors(start, end)) && !ReadErrors.Overlaps(start / 512, Sectors(start, end));

    internal void BeginIo() => Interlocked.Increment(ref _pendingIo);

    /// <summary>Ends an I/O; a read's service time feeds the average (1/8 weight, as a cheap low-pass filter).</summary>
    internal void EndIo(long elapsedTicks, bool read)
    {
        Interlocked.Decrement(ref _pendingIo);
        if (read)
        {
            long old = Interlocked.Read(ref _readLatencyTicks);
            Interlocked.Exchange(ref _readLatencyTicks, old + ((elapsedTicks - old) / 8));
        }
    }

    internal void CountWrite(int bytes) => Interlocked.Add(ref _bytesWritten, bytes);

    private static long Sectors(long start, long end) => Math.Max(1, ((end + 511) / 512) - (start / 512));
}
