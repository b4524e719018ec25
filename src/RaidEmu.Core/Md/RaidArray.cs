using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Parity;

namespace RaidEmu.Core.Md;

/// <summary>
/// A RAID 1 or RAID 5 array over member devices, stored exactly as Linux md stores it (v1.2 superblocks,
/// md layouts). The array is itself a block device: its logical volume. Member state changes bump the
/// event count in every live member's superblock and append one event to the log.
/// </summary>
public sealed partial class RaidArray : IBlockDevice
{
    private readonly Lock _stateGate = new();
    private readonly MemberTable _table;
    private readonly IEventSink _sink;
    private readonly TimeProvider _clock;
    private readonly Personality _personality;
    private readonly SuperblockWriter _superblocks;
    private readonly SyncRunner _sync;
    private readonly MemberIo _io;
    private readonly bool _ownsDevices;
    private volatile bool _failed;
    private volatile bool _poweredOff;
    private ulong _events;
    private long _syncedUpTo;
    private bool _dirty;
    private bool _disposed;
    private bool _announceRecovery;
    private volatile bool _hostFull;

    /// <summary>
    /// Runs an array over <paramref name="members"/> whose states and slots user space (assembly or creation)
    /// has already decided, as md's RUN_ARRAY does.
    /// </summary>
    internal RaidArray(
        ArrayIdentity identity, ArrayGeometry geometry, IEnumerable<Member> members, ArrayStartState start, ArrayHost host, Func<MemberIo, Personality> personality)
    {
        ArgumentNullException.ThrowIfNull(personality);
        Uuid = identity.Uuid;
        Name = identity.Name;
        CreationTime = identity.CreationTime;
        Geometry = geometry;
        _table = new MemberTable(members, geometry.RaidDisks);
        _sink = host.Sink;
        _clock = host.Clock;
        _ownsDevices = host.OwnsDevices;
        _events = start.Events;
        _syncedUpTo = start.SyncedUpTo;
        _announceRecovery = start.AnnounceRecovery;
        SectorSize = LargestSectorSize(_table.All);
        _superblocks = new SuperblockWriter(identity, geometry, host.Clock);
        _io = new MemberIo(this);
        _personality = personality(_io);
        _sync = new SyncRunner(this, _personality, host.Clock);
    }

    /// <summary>The array's UUID (md's set_uuid).</summary>
    public Guid Uuid { get; }

    /// <summary>The array's name (md's set_name).</summary>
    public string Name { get; }

    /// <summary>When the array was created.</summary>
    public DateTimeOffset CreationTime { get; }

    /// <summary>Level, slots, chunk, layout and sizes.</summary>
    public ArrayGeometry Geometry { get; }

    /// <summary>Member files assembly left out, as md assembles without a device it cannot read, and why.</summary>
    public IReadOnlyList<LeftOutMember> LeftOut { get; internal set; } = [];

    /// <summary>Members a forced assembly took back into the array, one line each saying which and why.</summary>
    public IReadOnlyList<string> ForceNotes { get; internal set; } = [];

    /// <summary>Why an array assembled for inspection could not start; null when it can.</summary>
    public string? StartProblem { get; private set; }

    /// <summary>The parity kernel tier in use on this machine.</summary>
    public static ParityKernel ParityKernel => XorParity.Best;

    /// <inheritdoc />
    public long Length => Geometry.LogicalBytes;

    /// <inheritdoc />
    public int SectorSize { get; private set; } = 512;

    /// <summary>md's event count.</summary>
    public ulong EventCount
    {
        get
        {
            lock (_stateGate)
            {
                return _events;
            }
        }
    }

    /// <summary>Every member attached to the array (in slots, spares, faulty), by device number.</summary>
    public IReadOnlyList<Member> Members
    {
        get
        {
            lock (_stateGate)
            {
                var sorted = new List<Member>(_table.All);
                StableSort.InPlace(sorted, (a, b) => a.DevNumber.CompareTo(b.DevNumber));
                return sorted;
            }
        }
    }

    /// <summary>Member bytes up to which redundancy is known consistent; the component size when fully in sync.</summary>
    public long SyncedUpTo => Math.Min(Interlocked.Read(ref _syncedUpTo), Geometry.ComponentBytes);

    /// <summary>True when writes may be in flight since the array was last marked clean.</summary>
    public bool IsDirty
    {
        get
        {
            lock (_stateGate)
            {
                return _dirty;
            }
        }
    }

    /// <summary>Overall health.</summary>
    public ArrayState State
    {
        get
        {
            lock (_stateGate)
            {
                if (_failed)
                {
                    return ArrayState.Failed;
                }

                if (_table.All.Any(m => m.State == MemberState.Rebuilding))
                {
                    return ArrayState.Recovering;
                }

                if (_table.Slots.Any(m => m == null))
                {
                    return ArrayState.Degraded;
                }

                return SyncedUpTo < Geometry.ComponentBytes ? ArrayState.Resyncing : ArrayState.Optimal;
            }
        }
    }

    /// <summary>Slot table snapshot: the member holding each slot (in sync or rebuilding), or null.</summary>
    internal Member?[] Slots => _table.Slots;

    /// <summary>Bytes of aligned scratch one operation of the personality uses.</summary>
    internal int ScratchBytes => _personality.ScratchBytes;

    /// <inheritdoc />
    public void Read(long offset, Span<byte> destination)
    {
        BlockDeviceGuard.CheckRange(offset, destination.Length, Length);
        _personality.Read(offset, destination);
    }

    /// <inheritdoc />
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        BlockDeviceGuard.CheckRange(offset, source.Length, Length);
        ThrowIfFailed();
        BeginWrite();
        var bits = default((long, long));
        bool done = false;
        try
        {
            bits = BitmapStartWrite(offset, source.Length);
            _personality.Write(offset, source);
            done = true;
        }
        finally
        {
            // A write that failed part-way (a full host disk, say) may have left its stripes inconsistent: as md
            // does for a failed write, its chunks stay NEEDED, so their bits survive until a resync covers them.
            BitmapEndWrite(bits, failed: !done);
            EndWrite();
        }
    }

    /// <inheritdoc />
    public void Flush()
    {
        var full = FlushMembers();
        ThrowIfFailed();
        if (full != null)
        {
            // Writes now land in the drive caches first, so a full host often shows only here: the flush must not be
            // acknowledged, or the client would count on bytes a power cut can still take away.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(full);
        }
    }

    /// <summary>
    /// Orderly stop: waits for background work, flushes, marks the array clean (as md does when idle) and
    /// closes the members when the array owns them.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        lock (_stateGate)
        {
            if (_dirty && !_failed)
            {
                // A member whose flush fails now (its file deleted while in use, say) is failed before the
                // clean mark, so the other members' superblocks record it; a spare taking over is stopped below.
                FlushMembers();
            }
        }

        _sync.Stop();
        StopSafeMode();
        lock (_stateGate)
        {
            _disposed = true;
            FlushBitmapAtStop();

            // After a write that the full host file system cut short, the array stays dirty so the next start resyncs.
            if (_dirty && !_failed && !_hostFull)
            {
                try
                {
                    _dirty = false;
                    Commit(EventTypes.ArrayClean, null, "stopped in order");
                }
                catch (IOException)
                {
                    // A member that fails now is simply left dirty; the next assembly resyncs.
                }
            }

            CloseDevices();
        }

        _personality.Dispose();
        _io.Dispose();
        _sync.Dispose();
    }

    /// <summary>
    /// Drops the array without any further write, as if the process died: nothing is flushed or marked clean.
    /// Tests use it to prove what survives a crash.
    /// </summary>
    public void Abandon()
    {
        lock (_stateGate)
        {
            _disposed = true;
        }

        _sync.Stop();
        StopSafeMode();
        StopBitmapDaemon();
        lock (_stateGate)
        {
            CloseDevices();
        }

        // Its scratch is native memory that nothing else frees: a served array is abandoned at every power loss,
        // and each one left its kept buffers behind for good (found by the review helper).
        _personality.Dispose();
        _io.Dispose();
    }

    /// <summary>
    /// The rail went off: from now on nothing more is written by the engine (no superblock, no clean mark),
    /// no member is blamed for the errors that follow, and every I/O fails. Then drop the array with <see cref="Abandon"/>.
    /// </summary>
    public void PowerOff()
    {
        lock (_stateGate)
        {
            _poweredOff = true;
        }
    }

    /// <summary>When true, recovery that becomes pending (a hot spare taking over, a member added) runs by itself in the background.</summary>
    public bool AutoRecover
    {
        get => _sync.AutoRecover;
        set => _sync.AutoRecover = value;
    }

    /// <summary>
    /// md's sync_speed_max: the most member bytes per second recovery and resync go through (0: no limit). Writes
    /// to the array are never slowed by it.
    /// </summary>
    public long SyncSpeedLimit
    {
        get => _sync.SpeedLimit;
        set => _sync.SpeedLimit = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "a speed limit cannot be negative");
    }

    /// <summary>The last error of background recovery, if it stopped on one.</summary>
    public Exception? BackgroundError => _sync.BackgroundError;

    /// <summary>What <see cref="RunSync"/> would do next: recovery, resync, or nothing (null).</summary>
    public SyncKind? PendingSync => _sync.PendingSync;

    /// <summary>
    /// Runs pending recovery and resync to completion. Progress is checkpointed in the superblocks
    /// (recovery_offset, resync_offset) so that a run that is cancelled or killed resumes where it stopped.
    /// </summary>
    public void RunSync(IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _sync.RunSync(progress, cancellationToken);

    /// <summary>Runs pending recovery and resync in the background (as a serving array does); see <see cref="WaitForBackgroundSyncAsync"/>.</summary>
    public void StartBackgroundSync() => _sync.StartBackgroundSync();

    /// <summary>Completes when background recovery has nothing left to do.</summary>
    public Task WaitForBackgroundSyncAsync() => _sync.WaitForBackgroundSyncAsync();

    /// <summary>
    /// Scrubs the array as md's sync_action check or repair: compares parity (RAID 5) or copies (RAID 1) with
    /// the data and returns mismatched sectors, counted per 4 KiB page as md's mismatch_cnt. Check writes nothing.
    /// </summary>
    public long Scrub(bool repair, IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _sync.Scrub(repair, progress, cancellationToken).Mismatches;

    /// <summary>
    /// <see cref="Scrub"/>, also naming the member blocks that failed their checksum on the way (arrays with integrity):
    /// md's read-error path has rewritten each of them from redundancy, check or repair alike.
    /// </summary>
    public ScrubReport ScrubWithReport(bool repair, IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default) =>
        _sync.Scrub(repair, progress, cancellationToken);

    // What the sync runner reads and changes of the array's state; always under Gate unless noted.
    internal Lock Gate => _stateGate;

    internal IReadOnlyList<Member> MemberList => _table.All;

    /// <summary>Too many members are lost: the array takes no I/O (what <see cref="State"/> reports as Failed, without its lock).</summary>
    public bool IsFailed => _failed;

    internal bool IsDisposed => _disposed;

    internal ulong EventsUnlocked => _events;

    internal void SetSyncedUpTo(long bytes) => Interlocked.Exchange(ref _syncedUpTo, bytes);

    /// <summary>True once after assembly found members to rebuild, so the first recovery says why.</summary>
    internal bool TakeRecoveryAnnouncement()
    {
        bool announce = _announceRecovery;
        _announceRecovery = false;
        return announce;
    }

    /// <summary>Logs an event that changes no member state, so no superblock is written.</summary>
    internal void Note(string type, string details)
    {
        lock (_stateGate)
        {
            _sink.Append(new ArrayEvent(_clock.GetUtcNow(), Uuid, type, null, details, _events));
        }
    }

    /// <summary>Writes progress to the superblocks without a state change.</summary>
    internal void Checkpoint()
    {
        lock (_stateGate)
        {
            if (!_disposed)
            {
                WriteSuperblocks(bumpEvents: false);
            }
        }
    }

    internal void ThrowIfFailed()
    {
        if (_poweredOff)
        {
            throw new IOException($"array '{Name}' has no power");
        }

        if (_failed)
        {
            throw FailedError("too many members are lost");
        }
    }

    /// <summary>Logs one state change decided by user space (creation, a forced start), bumping the event count.</summary>
    internal void Record(string type, Member? member, string details)
    {
        lock (_stateGate)
        {
            Commit(type, member, details);
        }
    }

    /// <summary>Marks an array assembled for inspection only: it reports, but does not serve.</summary>
    internal void MarkUnstartable(string problem, bool failed)
    {
        StartProblem = problem;
        _failed = failed;
    }

    internal ArrayFailedException FailedError(string why) =>
        new($"array '{Name}' has failed: {why}; no data can be served without made-up bytes");

    /// <summary>The one place member devices are closed, whether the array stops in order or is dropped.</summary>
    private void CloseDevices()
    {
        if (_ownsDevices)
        {
            foreach (var member in _table.All)
            {
                try
                {
                    member.Device.Dispose();
                }
                catch (IOException)
                {
                    // A drive cache that cannot be written out (a full host) must not keep the other members open.
                }
            }
        }
    }

    /// <summary>
    /// Flushes every member in a slot; one whose flush fails is failed, as any member I/O error fails it. A full host
    /// file system fails no member: it marks the array as cut short (it stays dirty) and is returned for the caller.
    /// </summary>
    private IOException? FlushMembers()
    {
        IOException? full = null;
        foreach (var member in _table.Slots)
        {
            if (member is { CanWrite: true })
            {
                try
                {
                    member.Device.Flush();
                }
                catch (IOException ex) when (ex is HostFullException || HostFile.IsOutOfSpace(ex))
                {
                    _hostFull = true;
                    full ??= ex;
                }
                catch (IOException ex)
                {
                    FailFromIo(member, ex);
                }
            }
        }

        return full;
    }

    /// <summary>The array's sector: the largest of its members' and 512 (a loop, as this runs in every short command).</summary>
    private static int LargestSectorSize(IEnumerable<Member> members)
    {
        int size = 512;
        foreach (var member in members)
        {
            size = Math.Max(size, member.Device.SectorSize);
        }

        return size;
    }
}
