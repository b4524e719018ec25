namespace RaidEmu.Core.Md;

/// <summary>
/// What differs between RAID levels, as md's struct md_personality: how logical I/O maps onto members
/// and how one unit of the array is rebuilt, resynced or scrubbed. Member state, metadata and events
/// stay in <see cref="RaidArray"/>; a personality sees only <see cref="MemberIo"/>.
/// </summary>
internal abstract class Personality : IDisposable
{
    // Largest run of one member's bytes handled under one lock; bounds scratch memory per operation.
    internal const int SegmentBytes = 256 * 1024;

    // Scratch per operation stays under this however many members there are, so memory is bounded by
    // the number of concurrent operations alone.
    internal const int MaxScratchBytes = 2 * 1024 * 1024;

    // md counts scrub mismatches per 4 KiB page, in 512-byte sectors.
    internal const int PageBytes = 4096;

    // Distinct member ranges one operation sets aside before giving up; each retry sets one more aside.
    private const int MaxReadErrorsPerOperation = 64;

    private BufferPool? _buffers;

    protected Personality(MemberIo io)
    {
        ArgumentNullException.ThrowIfNull(io);
        Io = io;
        Geometry = io.Geometry;
    }

    protected MemberIo Io { get; }

    /// <summary>Aligned scratch of <see cref="ScratchBytes"/> per operation.</summary>
    protected BufferPool Buffers => LazyInitializer.EnsureInitialized(ref _buffers, () => new BufferPool(ScratchBytes));

    protected ArrayGeometry Geometry { get; }

    /// <summary>Bytes of aligned scratch one operation needs.</summary>
    public abstract int ScratchBytes { get; }

    /// <summary>Member bytes covered by one sync unit.</summary>
    public abstract int UnitBytes { get; }

    /// <summary>Number of sync units in the component.</summary>
    public long Units => (Geometry.ComponentBytes + UnitBytes - 1) / UnitBytes;

    public abstract void Read(long offset, Span<byte> destination);

    public abstract void Write(long offset, ReadOnlySpan<byte> source);

    /// <summary>Runs <paramref name="kind"/> over one unit; returns mismatched sectors (check and repair).</summary>
    public abstract long SyncUnit(long unit, SyncKind kind);

    /// <summary>What the member block at <paramref name="memberOffset"/> of <paramref name="member"/> holds of the volume (a scrub's report).</summary>
    public abstract ChecksumFailure Locate(Member member, long memberOffset, int length);

    public void Dispose() => _buffers?.Dispose();

    /// <summary>
    /// Rebuilds member bytes [offset, offset+destination.Length) of <paramref name="member"/> from the other members,
    /// without reading it; false when they cannot (no redundancy for the range).
    /// </summary>
    protected abstract bool RebuildMemberRange(Member member, long offset, Span<byte> destination);

    /// <summary>
    /// Runs <paramref name="attempt"/> until no member fails under it. A failed member has been marked faulty
    /// by then, so the next attempt sees the new slot table and reads around it; each retry loses a member,
    /// so there are at most as many retries as slots. A member range that cannot be read is set aside for the
    /// next attempt, which serves it from redundancy; once the operation is done, the range is rebuilt and
    /// rewritten on the member (md's read-error path). Callers hold the lock of the unit the ranges lie in.
    /// </summary>
    protected TResult RetryOnMemberFailure<TState, TResult>(TState state, MemberAttempt<TState, TResult> attempt)
        where TState : allows ref struct
    {
        ArgumentNullException.ThrowIfNull(attempt);
        List<MemberReadErrorException>? errors = null;
        try
        {
            for (int tries = 0; ; tries++)
            {
                try
                {
                    var result = attempt(state);
                    if (errors != null)
                    {
                        RepairReadErrors(errors);
                    }

                    return result;
                }
                catch (MemberIoException) when (tries < Geometry.RaidDisks)
                {
                }
                catch (MemberReadErrorException error) when (tries < MaxReadErrorsPerOperation)
                {
                    var (start, end) = Io.AlignOut(error.Offset, error.Length);
                    error.Member.ReadErrors.Add(start / 512, (end - start) / 512);
                    (errors ??= []).Add(error);
                }
                catch (UnrecoverableReadException)
                {
                    foreach (var e in errors ?? [])
                    {
                        Io.NoteUncorrectable(e.Member, e.Offset, e.Length, (IOException)e.InnerException!);
                    }

                    throw;
                }
            }
        }
        finally
        {
            foreach (var e in errors ?? [])
            {
                var (start, end) = Io.AlignOut(e.Offset, e.Length);
                e.Member.ReadErrors.Clear(start / 512, (end - start) / 512);
            }
        }
    }

    private void RepairReadErrors(List<MemberReadErrorException> errors)
    {
        foreach (var error in errors)
        {
            var (start, end) = Io.AlignOut(error.Offset, error.Length);
            if (!error.Member.CanWrite)
            {
                continue;
            }

            var good = new byte[end - start];
            if (RebuildMemberRange(error.Member, start, good))
            {
                Io.Repair(error.Member, start, good, (IOException)error.InnerException!);
            }
            else
            {
                Io.NoteUnrepaired(error.Member, start, good.Length, (IOException)error.InnerException!);
            }
        }
    }

    /// <summary>Counts 4 KiB pages that differ, in 512-byte sectors as md's mismatch_cnt.</summary>
    protected static long MismatchedSectors(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        long sectors = 0;
        for (int i = 0; i < expected.Length; i += PageBytes)
        {
            int n = Math.Min(PageBytes, expected.Length - i);
            if (!expected.Slice(i, n).SequenceEqual(actual.Slice(i, n)))
            {
                sectors += PageBytes / 512;
            }
        }

        return sectors;
    }
}
