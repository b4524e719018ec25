namespace RaidEmu.Core.Md.Raid1;

/// <summary>
/// RAID 1: every slot holds the whole volume. Writes complete only when every writable member has them
/// (synchronous replication); reads rotate over the in-sync members (active redundancy).
/// </summary>
internal sealed class Raid1Personality : Personality
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
                    Io.ReadMember(ChooseReader(at + d.Length), at, d);
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

    public override long SyncUnit(long unit, SyncKind kind)
    {
        long start = unit * UnitBytes;
        int n = (int)Math.Min(UnitBytes, Geometry.ComponentBytes - start);
        var buffer = Buffers.Rent();
        try
        {
            lock (Io.Locks.For(unit))
            {
                return RetryOnMemberFailure(buffer, b => SyncUnit(start, n, kind, b.GetSpan()));
            }
        }
        finally
        {
            Buffers.Return(buffer);
        }
    }

    private long SyncUnit(long start, int n, SyncKind kind, Span<byte> scratch)
    {
        var slots = Io.Slots;
        Member source = FirstReadable(slots, start + n)
            ?? throw Io.FailedError("no in-sync member is left to copy from");
        var data = scratch[..n];
        var other = scratch.Slice(n, n);
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
                case SyncKind.Recovery when member.State == MemberState.Rebuilding && member.RecoveryOffset <= start:
                case SyncKind.Resync when member.CanWrite:
                    Io.WriteMember(member, start, data);
                    break;
                case SyncKind.Check or SyncKind.Repair when member.CanRead(start + n):
                    Io.ReadMember(member, start, other);
                    long bad = MismatchedSectors(data, other);
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

    private void WriteUnit(long offset, ReadOnlySpan<byte> source)
    {
        Io.ThrowIfFailed();
        var slots = Io.Slots;
        bool landed = false;
        foreach (var member in slots)
        {
            if (member == null || !member.CanWrite)
            {
                continue;
            }

            // Only a member that could serve this range afterwards makes the write durable.
            bool current = member.CanRead(offset + source.Length);
            if (Io.WriteMember(member, offset, source) && current)
            {
                landed = true;
            }
        }

        if (!landed)
        {
            Io.ThrowIfFailed();
            throw new IOException($"write at member offset {offset} reached no in-sync mirror");
        }
    }

    private Member ChooseReader(long end)
    {
        Io.ThrowIfFailed();
        var slots = Io.Slots;

        // Regions not yet resynced may differ between mirrors, so they are read from one member only, as md does.
        if (end > Io.SyncedUpTo)
        {
            return FirstReadable(slots, end) ?? throw Io.FailedError("no in-sync mirror can serve the read");
        }

        int start = (int)((ulong)Interlocked.Increment(ref _readCursor) % (ulong)slots.Length);
        for (int i = 0; i < slots.Length; i++)
        {
            var member = slots[(start + i) % slots.Length];
            if (member != null && member.CanRead(end))
            {
                return member;
            }
        }

        throw Io.FailedError("no in-sync mirror can serve the read");
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
