namespace RaidEmu.Core.Md;

public sealed partial class RaidArray
{
    private WriteIntentBitmap? _bitmap;
    private ITimer? _bitmapDaemon;
    private bool _bitmapReadOnly;

    /// <summary>The write-intent bitmap's chunk size, or null when the array has none.</summary>
    public long? BitmapChunkBytes => _bitmap?.ChunkBytes;

    /// <summary>Chunks whose bits are set: regions a resync after an unclean stop, or a re-add, must cover.</summary>
    public long? BitmapDirtyChunks => _bitmap?.DirtyChunks;

    /// <summary>The bitmap's events_cleared: a former member at least this fresh can be re-added by bitmap.</summary>
    public ulong? BitmapEventsCleared => _bitmap?.Header.EventsCleared;

    internal WriteIntentBitmap? Bitmap => _bitmap;

    /// <summary>True while a slot is empty: writes then miss a member, so their bits must stay set.</summary>
    internal bool BitmapDegraded => _table.Slots.Any(m => m == null);

    /// <summary>
    /// Gives the array its bitmap (at creation or assembly). Chunks with set bits at or past
    /// <paramref name="resyncFrom"/> are NEEDED by the pending resync, as md's bitmap load marks them.
    /// </summary>
    internal void AttachBitmap(WriteIntentBitmap bitmap, long resyncFrom, bool readOnly = false)
    {
        _bitmap = bitmap;
        _bitmapReadOnly = readOnly;
        _superblocks.BitmapOffsetSectors = bitmap.OffsetSectors;
        _superblocks.BitmapBytes = bitmap.Header.StorageBytes;
        // As md's bitmap load: when a member is missing or being rebuilt, every set bit may be what it lacks.
        if (BitmapDegraded || _table.All.Any(m => m.State == MemberState.Rebuilding))
        {
            resyncFrom = 0;
        }

        if (resyncFrom < Geometry.ComponentBytes)
        {
            bitmap.MarkNeeded(resyncFrom);
        }

        if (readOnly)
        {
            // An array opened for inspection must not change its members, bits included.
            return;
        }

        var sleep = TimeSpan.FromSeconds(Math.Max(1, bitmap.Header.DaemonSleepSeconds));
        _bitmapDaemon = _clock.CreateTimer(_ => BitmapDaemon(), null, sleep, sleep);
    }

    /// <summary>Sets the bits of a write's chunks and, when one was clear, puts the bitmap on every member before the data.</summary>
    private (long Start, long End) BitmapStartWrite(long offset, int length)
    {
        if (_bitmap is not { } bitmap || length == 0)
        {
            return default;
        }

        var range = WriteIntentBitmap.MemberRange(Geometry, offset, length);
        List<(Member, IOException)>? failed = null;
        lock (bitmap.WriteGate)
        {
            if (bitmap.StartWrite(range.Start, range.End))
            {
                failed = WriteBitmapLocked(bitmap);
            }
        }

        ReportBitmapFailures(failed);
        return range;
    }

    private void BitmapEndWrite((long Start, long End) range, bool failed)
    {
        if (_bitmap is { } bitmap && range.End > range.Start)
        {
            bitmap.EndWrite(range.Start, range.End, BitmapDegraded || failed, Volatile.Read(ref _events));
        }
    }

    /// <summary>md's bitmap daemon: every daemon_sleep, idle bits are cleared and the bitmap written.</summary>
    private void BitmapDaemon()
    {
        // Under the state gate, so a stop cannot close the members while a sweep writes to them.
        lock (_stateGate)
        {
            if (_bitmap is not { } bitmap || _disposed || _poweredOff || _failed)
            {
                return;
            }

            List<(Member, IOException)>? failed = null;
            lock (bitmap.WriteGate)
            {
                if (bitmap.Sweep(BitmapDegraded))
                {
                    failed = WriteBitmapLocked(bitmap);
                }
            }

            ReportBitmapFailures(failed);
        }
    }

    /// <summary>At an orderly stop every idle bit is cleared (md's bitmap_flush), unless the array is degraded.</summary>
    private void FlushBitmapAtStop()
    {
        _bitmapDaemon?.Dispose();
        _bitmapDaemon = null;
        if (_bitmap is { } bitmap && !_bitmapReadOnly && !_poweredOff && !_failed && bitmap.FlushIdle(BitmapDegraded))
        {
            WriteBitmap();
        }
    }

    private void StopBitmapDaemon()
    {
        _bitmapDaemon?.Dispose();
        _bitmapDaemon = null;
    }

    /// <summary>Writes the bitmap (header with the current event count, and bits) to every member in a slot.</summary>
    private void WriteBitmap()
    {
        if (_bitmap is not { } bitmap || _poweredOff)
        {
            return;
        }

        List<(Member, IOException)>? failed;
        lock (bitmap.WriteGate)
        {
            failed = WriteBitmapLocked(bitmap);
        }

        ReportBitmapFailures(failed);
    }

    // Member failures are reported after the bitmap's gate is released: failing a member takes the state gate.
    private List<(Member, IOException)>? WriteBitmapLocked(WriteIntentBitmap bitmap)
    {
        if (_poweredOff)
        {
            return null;
        }

        byte[] image = bitmap.Serialize(Volatile.Read(ref _events));
        List<(Member, IOException)>? failed = null;
        // Spares get it too, so whichever member assembly later reads the bitmap from holds a current one.
        foreach (var member in _table.All)
        {
            if (member.State == MemberState.Faulty)
            {
                continue;
            }

            try
            {
                member.Device.Write(bitmap.ByteOffset, image);
                member.Device.Flush();
            }
            catch (IOException ex)
            {
                (failed ??= []).Add((member, ex));
            }
        }

        return failed;
    }

    private void ReportBitmapFailures(List<(Member, IOException)>? failed)
    {
        foreach (var (member, error) in failed ?? [])
        {
            FailFromIo(member, error);
        }
    }
}
