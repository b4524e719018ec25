using RaidEmu.Core.Events;

namespace RaidEmu.Core.Md;

/// <summary>
/// Recovery, resync, check and repair of one array, as md's sync thread: one checkpointing loop over the
/// personality's sync units, run in the foreground or chained in the background.
/// </summary>
internal sealed class SyncRunner(RaidArray array, Personality personality, TimeProvider clock) : IDisposable
{
    // Progress is written to the superblocks at least this often, so a killed rebuild resumes close to where it stopped.
    private static readonly TimeSpan s_checkpointInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _syncRunner = new();
    private Task _background = Task.CompletedTask;
    private CancellationTokenSource _backgroundCancel = new();

    /// <summary>When true, recovery that becomes pending (a hot spare taking over, a member added) runs by itself in the background.</summary>
    public bool AutoRecover { get; set; }

    /// <summary>Most member bytes per second recovery and resync go through; 0 for no limit.</summary>
    public long SpeedLimit { get; set; }

    /// <summary>The last error of background recovery, if it stopped on one.</summary>
    public Exception? BackgroundError { get; private set; }

    /// <summary>What <see cref="RunSync"/> would do next: recovery, resync, or nothing (null).</summary>
    public SyncKind? PendingSync
    {
        get
        {
            lock (array.Gate)
            {
                if (array.IsFailed)
                {
                    return null;
                }

                if (array.MemberList.Any(m => m.State == MemberState.Rebuilding))
                {
                    return SyncKind.Recovery;
                }

                return array.SyncedUpTo < array.Geometry.ComponentBytes && !array.Slots.Any(m => m == null) ? SyncKind.Resync : null;
            }
        }
    }

    /// <summary>
    /// Runs pending recovery and resync to completion. Progress is checkpointed in the superblocks
    /// (recovery_offset, resync_offset) so that a run that is cancelled or killed resumes where it stopped.
    /// </summary>
    public void RunSync(IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        lock (_syncRunner)
        {
            while (PendingSync is { } kind)
            {
                if (kind == SyncKind.Recovery)
                {
                    RunRecovery(progress, cancellationToken);
                }
                else
                {
                    RunResync(progress, cancellationToken);
                }
            }

            array.ThrowIfFailed();
        }
    }

    /// <summary>Runs pending recovery and resync in the background (as a serving array does); see <see cref="WaitForBackgroundSyncAsync"/>.</summary>
    public void StartBackgroundSync()
    {
        lock (array.Gate)
        {
            bool auto = AutoRecover;
            AutoRecover = true;
            Kick();
            AutoRecover = auto;
        }
    }

    /// <summary>Completes when background recovery has nothing left to do.</summary>
    public Task WaitForBackgroundSyncAsync()
    {
        lock (array.Gate)
        {
            return _background;
        }
    }

    /// <summary>
    /// Scrubs the array as md's sync_action check or repair: compares parity (RAID 5) or copies (RAID 1) with
    /// the data and returns mismatched sectors, counted per 4 KiB page as md's mismatch_cnt, and the member blocks
    /// that failed their checksum on the way (md's read-error path rewrote them). Check writes nothing else.
    /// </summary>
    public ScrubReport Scrub(bool repair, IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        lock (_syncRunner)
        {
            lock (array.Gate)
            {
                array.ThrowIfFailed();
                if (array.Slots.Any(m => m is not { State: MemberState.InSync }))
                {
                    throw new ArrayRefusedException($"array '{array.Name}' is {array.State.ToString().ToLowerInvariant()}; a scrub needs every member in sync (run rebuild first)");
                }
            }

            var kind = repair ? SyncKind.Repair : SyncKind.Check;
            long mismatches = 0;
            List<NotedChecksumFailure> failures;
            array.StartChecksumLog();
            try
            {
                mismatches = ScrubUnits(kind, progress, cancellationToken);
            }
            finally
            {
                failures = array.TakeChecksumLog();
            }

            lock (array.Gate)
            {
                // A scrub changes no member state, so it logs without touching any superblock.
                array.Note(EventTypes.ScrubCompleted, $"{(repair ? "repair" : "check")}: {mismatches} mismatched sectors");
            }

            var located = new ChecksumFailure[failures.Count];
            for (int i = 0; i < located.Length; i++)
            {
                located[i] = personality.Locate(failures[i].Member, failures[i].Offset, failures[i].Length) with { Repaired = failures[i].Repaired };
            }

            return new ScrubReport(mismatches, located);
        }
    }

    /// <summary>
    /// Every unit scrubbed by two threads taking the next unit in turn: reading the members (a copy out of the
    /// page cache) and comparing parity each keep one core busy, so on two cores a check takes about half as
    /// long. Each unit is done under its own stripe lock, as with one thread; the first error stops both.
    /// </summary>
    private long ScrubUnits(SyncKind kind, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        long next = -1;
        long done = 0;
        long mismatches = 0;
        Exception? failed = null;

        void Work(bool reports)
        {
            try
            {
                while (Volatile.Read(ref failed) == null)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    long unit = Interlocked.Increment(ref next);
                    if (unit >= personality.Units)
                    {
                        return;
                    }

                    Interlocked.Add(ref mismatches, personality.SyncUnit(unit, kind));
                    long finished = Interlocked.Increment(ref done);
                    if (reports)
                    {
                        progress?.Report(new SyncProgress(kind, UnitEnd(finished - 1), array.Geometry.ComponentBytes));
                    }
                }
            }
#pragma warning disable CA1031 // The first failure of either thread is rethrown below, as it was raised.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref failed, ex, null);
            }
        }

        var second = Environment.ProcessorCount > 1 && personality.Units > 1
            ? Task.Factory.StartNew(() => Work(reports: false), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            : Task.CompletedTask;
        Work(reports: true);
        second.Wait(CancellationToken.None);
        if (failed != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failed).Throw();
        }

        progress?.Report(new SyncProgress(kind, array.Geometry.ComponentBytes, array.Geometry.ComponentBytes));
        return mismatches;
    }

    private void RunRecovery(IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        Member[] targets;
        long start;
        lock (array.Gate)
        {
            targets = [.. array.MemberList.Where(m => m.State == MemberState.Rebuilding)];
            start = targets.Min(m => m.RecoveryOffset);
            if (array.TakeRecoveryAnnouncement())
            {
                foreach (var member in targets.Where(m => m.WasStale || m.RecoveryOffset > 0))
                {
                    string details = member.WasStale
                        ? $"slot {member.Slot}: member was stale (events {member.Events} < {array.EventsUnlocked}); rebuilding it from scratch"
                        : $"slot {member.Slot}: resuming at byte {member.RecoveryOffset}";
                    array.Commit(member.WasStale ? EventTypes.MemberStale : EventTypes.RecoveryStarted, member, details);
                }
            }
        }

        // Only when every target missed nothing but what the bitmap marks may clean chunks be skipped.
        var bitmap = targets.All(m => m.BitmapRecovery) ? array.Bitmap : null;
        var counts = RunUnits(
            SyncKind.Recovery,
            start,
            bitmap,
            hasWork: () => targets.Any(m => m.State == MemberState.Rebuilding),
            reached: end =>
            {
                foreach (var member in targets)
                {
                    if (member.State == MemberState.Rebuilding && member.RecoveryOffset < end)
                    {
                        member.RecoveryOffset = end;
                    }
                }
            },
            progress,
            cancellationToken);

        lock (array.Gate)
        {
            if (targets.Any(m => m.State == MemberState.Rebuilding && !m.BitmapRecovery))
            {
                array.Bitmap?.RaiseEventsCleared(array.EventCount);
            }

            foreach (var member in targets.Where(m => m.State == MemberState.Rebuilding))
            {
                member.State = MemberState.InSync;
                member.WasStale = false;
                member.BitmapRecovery = false;
                array.Commit(EventTypes.RecoveryCompleted, member, $"slot {member.Slot} is in sync; {counts.Describe()}");
            }

            if (!array.IsFailed && array.Slots.All(m => m is { State: MemberState.InSync }))
            {
                array.Commit(EventTypes.ArrayOptimal, null, $"all {array.Geometry.RaidDisks} members in sync");
            }
        }
    }

    private void RunResync(IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        long start;
        lock (array.Gate)
        {
            start = array.SyncedUpTo;
            array.Commit(EventTypes.ResyncStarted, null, start == 0 ? "recomputing redundancy" : $"resuming at byte {start}");
        }

        var counts = RunUnits(SyncKind.Resync, start, array.Bitmap, hasWork: () => true, reached: end => array.SetSyncedUpTo(end), progress, cancellationToken);
        lock (array.Gate)
        {
            array.SetSyncedUpTo(long.MaxValue);
            array.Commit(EventTypes.ResyncCompleted, null, $"redundancy is consistent; {counts.Describe()}");
        }
    }

    /// <summary>
    /// The one sync loop: runs <paramref name="kind"/> unit by unit from <paramref name="start"/>, reporting
    /// progress and writing a checkpoint to the superblocks at least every <see cref="s_checkpointInterval"/>
    /// and when cancelled, so a stopped or killed run resumes close to where it was.
    /// </summary>
    private SyncCounts RunUnits(SyncKind kind, long start, WriteIntentBitmap? bitmap, Func<bool> hasWork, Action<long> reached, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var checkpoint = clock.GetTimestamp();
        long synced = 0;
        long skipped = 0;
        var began = clock.GetTimestamp();
        long first = start / personality.UnitBytes;
        for (long unit = first; unit < personality.Units; unit++)
        {
            Throttle(began, (unit - first) * personality.UnitBytes, cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                array.Checkpoint();
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (!hasWork())
            {
                // Nothing is left to sync: every member being rebuilt has failed meanwhile.
                break;
            }

            long unitStart = unit * personality.UnitBytes;
            long end = UnitEnd(unit);
            if (bitmap == null || bitmap.NeedsSync(unitStart, end))
            {
                personality.SyncUnit(unit, kind);
                bitmap?.EndSync(unitStart, end);
                synced += end - unitStart;
            }
            else
            {
                // The bitmap says every member already holds this unit's writes.
                skipped += end - unitStart;
            }

            reached(end);
            progress?.Report(new SyncProgress(kind, end, array.Geometry.ComponentBytes));
            if (clock.GetElapsedTime(checkpoint) >= s_checkpointInterval)
            {
                array.Checkpoint();
                checkpoint = clock.GetTimestamp();
            }
        }

        return new SyncCounts(synced, skipped, bitmap != null);
    }

    /// <summary>Waits until <paramref name="done"/> bytes since <paramref name="began"/> are within the speed limit, as md's resync throttle.</summary>
    private void Throttle(long began, long done, CancellationToken cancellationToken)
    {
        long limit = SpeedLimit;
        if (limit <= 0)
        {
            return;
        }

        var due = TimeSpan.FromSeconds((double)done / limit) - clock.GetElapsedTime(began);
        if (due > TimeSpan.Zero)
        {
            cancellationToken.WaitHandle.WaitOne(due);
        }
    }

    private long UnitEnd(long unit) => Math.Min((unit + 1) * personality.UnitBytes, array.Geometry.ComponentBytes);

    /// <summary>Queues a background run of pending recovery; runs chain, so none is missed or doubled.</summary>
    public void Kick()
    {
        if (!AutoRecover || array.IsDisposed)
        {
            return;
        }

        var token = _backgroundCancel.Token;
        _background = _background.ContinueWith(
            _ =>
            {
                try
                {
                    RunSync(null, token);
                }
                catch (OperationCanceledException)
                {
                }
                catch (IOException ex)
                {
                    BackgroundError = ex;
                }
                catch (InvalidOperationException ex)
                {
                    BackgroundError = ex;
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
    }

    public void Stop()
    {
        Task background;
        lock (array.Gate)
        {
            _backgroundCancel.Cancel();
            background = _background;
        }

        background.Wait();
        _backgroundCancel.Dispose();
        _backgroundCancel = new CancellationTokenSource();
    }

    public void Dispose() => _backgroundCancel.Dispose();
}
