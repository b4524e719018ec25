using RaidEmu.Core.Events;

namespace RaidEmu.Core.Md;

public sealed partial class RaidArray
{
    /// <summary>md's default safe_mode_delay: how long an array stays active after its last write.</summary>
    public static readonly TimeSpan DefaultSafeModeDelay = TimeSpan.FromMilliseconds(200);

    private readonly Lock _safeModeGate = new();
    private int _writesInFlight;
    private ITimer? _safeModeTimer;
    private TimeSpan? _safeModeDelay;

    /// <summary>
    /// md's safe mode: when set, the array is marked clean (superblocks written, events bumped) once it has
    /// been idle this long, so an unclean stop while idle needs no resync. Null keeps it active until it stops,
    /// which is all a short-lived command needs, since an orderly stop marks it clean anyway.
    /// </summary>
    public TimeSpan? SafeModeDelay
    {
        get => _safeModeDelay;
        set
        {
            lock (_safeModeGate)
            {
                _safeModeDelay = value;
                if (value == null)
                {
                    _safeModeTimer?.Dispose();
                    _safeModeTimer = null;
                }
            }
        }
    }

    // A writer counts itself in before it looks at the dirty flag, and the safe-mode timer clears the flag
    // before it looks at the count (both with full fences), so either the writer sees "clean" and marks the
    // array dirty again under the gate, or the timer sees the writer and leaves the array active.
    private void BeginWrite()
    {
        Interlocked.Increment(ref _writesInFlight);
        try
        {
            MarkDirty();
        }
        catch
        {
            Interlocked.Decrement(ref _writesInFlight);
            throw;
        }
    }

    private void EndWrite()
    {
        Interlocked.Decrement(ref _writesInFlight);
        lock (_safeModeGate)
        {
            if (_safeModeDelay is { } delay)
            {
                _safeModeTimer ??= _clock.CreateTimer(_ => MarkCleanWhenIdle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _safeModeTimer.Change(delay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void MarkDirty()
    {
        if (Volatile.Read(ref _dirty))
        {
            return;
        }

        lock (_stateGate)
        {
            if (!_dirty)
            {
                // md writes "active" to every superblock before the first write after a clean state.
                Volatile.Write(ref _dirty, true);
                Commit(EventTypes.ArrayDirty, null, "first write after a clean state");
            }
        }
    }

    /// <summary>The safe-mode timer: marks the array clean if no write came in meanwhile.</summary>
    private void MarkCleanWhenIdle()
    {
        lock (_stateGate)
        {
            // A write cut short by a full host file system may have left a stripe half written: stay dirty.
            if (!_dirty || _disposed || _poweredOff || _failed || _hostFull || Volatile.Read(ref _writesInFlight) != 0)
            {
                return;
            }

            Volatile.Write(ref _dirty, false);
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _writesInFlight) != 0)
            {
                Volatile.Write(ref _dirty, true);
                return;
            }

            try
            {
                // Data acknowledged before now must be on the platters before the superblocks say "clean". A
                // member that cannot flush (its file deleted, say) is failed here, as at any flush.
                FlushMembers();
                if (_failed || _hostFull)
                {
                    Volatile.Write(ref _dirty, true);
                    return;
                }

                Commit(EventTypes.ArrayClean, null, $"idle for {(_safeModeDelay ?? DefaultSafeModeDelay).TotalMilliseconds:0} ms (safe mode)");
            }
            catch (IOException)
            {
                // Superblocks that cannot be written leave the array dirty; the next write or stop tries again.
                Volatile.Write(ref _dirty, true);
            }
        }
    }

    private void StopSafeMode()
    {
        lock (_safeModeGate)
        {
            _safeModeTimer?.Dispose();
            _safeModeTimer = null;
            _safeModeDelay = null;
        }
    }
}
