using System.Diagnostics;

namespace RaidEmu.Core.Md.Raid1;

/// <summary>
/// RAID 1: every slot holds the whole volume. Writes complete only when every writable member has them
/// (synchronous replication); reads rotate over the in-sync members (active redundancy).
/// </summary>
internal sealed unsafe class Raid1Personality : Personality
{
    private long _readCursor;

    public Raid1Personality(MemberIo io)
        : base(io)
    {
    }

    public override int UnitBytes => SegmentBytes;

    // One copy read and one compared against it.
    public override int ScratchBytes => 2 * SegmentBytes;

    public override void Read(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            long unit = offset / UnitBytes;
            int n = (int)Math.Min(destination.Length, ((unit + 1) * UnitBytes) - offset);
            long at = offset;
            lock (Io.Locks.For(unit))
            {
                RetryOnMemberFailure(destination[..n], d =>
                {
                    if (ChooseReader(at, at + d.Length, orNull: true) is { } reader)
                    {
                        Io.ReadMember(reader, at, d);
                    }
                    else
                    {
                        ReadAroundBadBlocks(at, d);
                    }

                    return true;
                });
            }

            offset += n;
            destination = destination[n..];
        }
    }

    public override void Write(long offset, ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            long unit = offset / UnitBytes;
            int n = (int)Math.Min(source.Length, ((unit + 1) * UnitBytes) - offset);
            lock (Io.Locks.For(unit))
            {
                WriteUnit(offset, source[..n]);
            }

            offset += n;
            source = source[n..];
        }
    }

    // Every mirror holds the volume as it is.
    public override ChecksumFailure Locate(Member member, long memberOffset, int length) =>
        new(member.DevNumber, memberOffset, length, memberOffset, null, 0);

    public override long SyncUnit(long unit, SyncKind kind)
    {
        long start = unit * UnitBytes;
        int n = (int)Math.Min(UnitBytes, Geometry.ComponentBytes - start);
        lock (Io.Locks.For(unit))
        {
            // Inside the lock, as every personality rents (see BufferPool).
            var buffer = Buffers.Rent();
            try
            {
                return RetryOnMemberFailure(buffer, b => SyncUnit(start, n, kind, b.GetSpan()));
            }
            finally
            {
                Buffers.Return(buffer);
            }
        }
    }

    private long SyncUnit(long start, int n, SyncKind kind, Span<byte> scratch)
    {
        var slots = Io.Slots;
        if (FirstReadable(slots, start + n) == null)
        {
            throw Io.FailedError("no in-sync member is left to copy from");
        }

        var data = scratch[..n];
        var other = scratch.Slice(n, n);
        if (FirstServable(slots, start, start + n) is not { } source)
        {
            SyncBlocks(slots, start, n, kind, data[..Math.Min(n, MemberIo.BlockBytes)]);
            return 0;
        }

        Io.ReadMember(source, start, data);
        long mismatches = 0;
        foreach (var member in slots)
        {
            if (member == null || member == source)
            {
                continue;
            }

            switch (kind)
            {
                case SyncKind.Recovery when IsRecoveryTarget(member, start):
                case SyncKind.Resync when member.CanWrite:
                    Io.WriteMember(member, start, data);
                    break;
                case SyncKind.Check or SyncKind.Repair when member.CanRead(start + n):
                    long bad = member.CanServe(start, start + n) ? Compare(member, start, data, other) : CompareBlocks(member, start, data, other);
                    mismatches = Math.Max(mismatches, bad);
                    if (bad > 0 && kind == SyncKind.Repair)
                    {
                        // md cannot tell which copy is right; like md, the first in-sync copy wins.
                        Io.WriteMember(member, start, data);
                    }

                    break;
            }
        }

        return mismatches;
    }

    private long Compare(Member member, long start, ReadOnlySpan<byte> data, Span<byte> other)
    {
        Io.ReadMember(member, start, other);
        return MismatchedSectors(data, other);
    }

    /// <summary>Compares the 4 KiB blocks a mirror with bad blocks can serve; reading each one meets its read errors too.</summary>
    private long CompareBlocks(Member member, long start, ReadOnlySpan<byte> data, Span<byte> other)
    {
        long bad = 0;
        for (int at = 0; at < data.Length; at += MemberIo.BlockBytes)
        {
            int n = Math.Min(MemberIo.BlockBytes, data.Length - at);
            if (member.CanServe(start + at, start + at + n))
            {
                bad += Compare(member, start + at, data.Slice(at, n), other.Slice(at, n));
            }
        }

        return bad;
    }

    /// <summary>
    /// Syncs a unit no single mirror can serve whole, 4 KiB at a time. A block no mirror can read is lost: md's
    /// fix_sync_read_error records it bad on every member it would have been copied to or from, and goes on.
    /// </summary>
    private void SyncBlocks(Member?[] slots, long start, int n, SyncKind kind, Span<byte> block)
    {
        if (kind is SyncKind.Check or SyncKind.Repair)
        {
            return;
        }

        for (long at = start; at < start + n; at += MemberIo.BlockBytes)
        {
            var piece = block[..(int)Math.Min(MemberIo.BlockBytes, start + n - at)];
            bool read = TryReadFromAny(slots, null, at, piece);
            foreach (var member in slots)
            {
                bool target = kind == SyncKind.Recovery ? IsRecoveryTarget(member, start) : member is { CanWrite: true };
                if (member == null || !(target || member.CanRead(at + piece.Length)))
                {
                    continue;
                }

                if (!read)
                {
                    Io.RecordLost(member, at, piece.Length, "no mirror could be read to copy this block");
                }
                else if (target)
                {
                    Io.WriteMember(member, at, piece);
                }
            }
        }
    }

    protected override bool RebuildMemberRange(Member member, long offset, Span<byte> destination) =>
        TryReadFromAny(Io.Slots, member, offset, destination);

    /// <summary>Reads the range from any mirror but <paramref name="except"/> that can serve it.</summary>
    private bool TryReadFromAny(Member?[] slots, Member? except, long offset, Span<byte> destination)
    {
        foreach (var other in slots)
        {
            if (other != null && other != except && other.CanServe(offset, offset + destination.Length))
            {
                try
                {
                    Io.ReadMember(other, offset, destination);
                    return true;
                }
                catch (MemberReadErrorException)
                {
                }
                catch (MemberIoException)
                {
                }
            }
        }

        return false;
    }

    private static bool IsRecoveryTarget(Member? member, long start) =>
        member is { State: MemberState.Rebuilding } && member.RecoveryOffset <= start;

    private void WriteUnit(long offset, ReadOnlySpan<byte> source)
    {
        Io.ThrowIfFailed();
        var slots = Io.Slots;
        var writes = new MemberTransfer[slots.Length];
        var current = new bool[slots.Length];
        var took = new bool[slots.Length];
        int count = 0;
        fixed (byte* data = source)
        {
            foreach (var member in slots)
            {
                if (member != null && member.CanWrite)
                {
                    // Only a member that could serve this range afterwards makes the write durable.
                    current[count] = member.CanRead(offset + source.Length);
                    writes[count++] = new MemberTransfer(member, offset, data, source.Length);
                }
            }

            Io.WriteMembers(writes, count, took);
        }

        bool landed = false;
        for (int i = 0; i < count; i++)
        {
            landed |= took[i] && current[i];
        }

        if (!landed)
        {
            Io.ThrowIfFailed();
            throw new IOException($"write at member offset {offset} reached no in-sync mirror");
        }
    }

    /// <summary>
    /// md's read_balance: among the mirrors that can serve the range, the one with the fewest I/Os in flight,
    /// and between equally busy ones a clearly faster one (half the recent service time); otherwise reads rotate.
    /// </summary>
    private Member? ChooseReader(long start, long end, bool orNull = false)
    {
        Io.ThrowIfFailed();
        var slots = Io.Slots;

        // Regions not yet resynced may differ between mirrors, so they are read from one member only, as md does.
        if (end > Io.SyncedUpTo)
        {
            return FirstServable(slots, start, end) ?? (orNull && FirstReadable(slots, end) != null ? null : throw NoReader(slots, start, end));
        }

        int first = (int)((ulong)Interlocked.Increment(ref _readCursor) % (ulong)slots.Length);
        Member? best = null;
        for (int i = 0; i < slots.Length; i++)
        {
            var member = slots[(first + i) % slots.Length];
            if (member != null && member.CanServe(start, end) && (best == null || Faster(member, best)))
            {
                best = member;
            }
        }

        return best ?? (orNull && FirstReadable(slots, end) != null ? null : throw NoReader(slots, start, end));
    }

    /// <summary>Reads a range no single mirror can serve whole (bad blocks on each), 4 KiB at a time from whichever can.</summary>
    private void ReadAroundBadBlocks(long offset, Span<byte> destination)
    {
        for (long at = offset; at < offset + destination.Length;)
        {
            long next = Math.Min(offset + destination.Length, ((at / MemberIo.BlockBytes) + 1) * MemberIo.BlockBytes);
            Io.ReadMember(ChooseReader(at, next)!, at, destination.Slice((int)(at - offset), (int)(next - at)));
            at = next;
        }
    }

    /// <summary>Clearly faster: half the recent service time and at least 100 µs less, so timing noise does not pin reads to one mirror.</summary>
    private static bool Faster(Member candidate, Member best)
    {
        long pending = candidate.PendingIo - best.PendingIo;
        long a = candidate.ReadLatencyTicks;
        long b = best.ReadLatencyTicks;
        return pending < 0 || (pending == 0 && a * 2 < b && b - a > Stopwatch.Frequency / 10_000);
    }

    /// <summary>No mirror serves the range: lost data when a mirror is there but cannot read it, else a failed array.</summary>
    private IOException NoReader(Member?[] slots, long start, long end) =>
        FirstReadable(slots, end) != null ? Io.LostError(start, (int)(end - start)) : Io.FailedError("no in-sync mirror can serve the read");

    private static Member? FirstServable(Member?[] slots, long start, long end)
    {
        foreach (var member in slots)
        {
            if (member != null && member.CanServe(start, end))
            {
                return member;
            }
        }

        return null;
    }

    private static Member? FirstReadable(Member?[] slots, long end)
    {
        foreach (var member in slots)
        {
            if (member != null && member.CanRead(end))
            {
                return member;
            }
        }

        return null;
    }
}
