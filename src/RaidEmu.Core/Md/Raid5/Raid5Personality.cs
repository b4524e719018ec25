using RaidEmu.Core.Parity;

namespace RaidEmu.Core.Md.Raid5;

/// <summary>
/// RAID 5: each stripe holds members-1 data chunks and one parity chunk, placed by md's layouts.
/// Work is done per (stripe, column range) under that stripe's lock, so concurrent writes, degraded
/// reconstruction and rebuild never see a half-updated stripe.
/// </summary>
internal sealed unsafe class Raid5Personality : Personality
{
    private readonly int _disks;
    private readonly int _dataDisks;
    private readonly int _chunk;
    private readonly int _segment;
    private readonly Raid5Algorithm _algorithm;

    /// <summary>Member transfers of a stripe write at most this wide run on the caller's thread (see <see cref="TransferForWrite"/>).</summary>
    private const int InlineMemberBytes = 8 * MemberIo.BlockBytes;

    public Raid5Personality(MemberIo io)
        : base(io)
    {
        _disks = Geometry.RaidDisks;
        _dataDisks = _disks - 1;
        _chunk = Geometry.ChunkBytes;
        // A column per member plus one for computed parity, within the scratch bound: wide arrays work in narrower columns.
        int fit = (int)Math.Min(SegmentBytes, MaxScratchBytes / (_disks + 1));
        _segment = Math.Min(_chunk, Math.Max(4096, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)fit + 1) / 2));
        _algorithm = Geometry.Algorithm;
    }

    public override int UnitBytes => _chunk;

    public override int ScratchBytes => (_disks + 1) * _segment;

    private long StripeBytes => (long)_dataDisks * _chunk;

    public override void Read(long offset, Span<byte> destination)
    {
        var ranges = new ColumnRange[_dataDisks];
        while (!destination.IsEmpty)
        {
            long stripe = offset / StripeBytes;
            long rel = offset - (stripe * StripeBytes);
            int n = (int)Math.Min(destination.Length, StripeBytes - rel);
            for (int lo = 0; lo < _chunk; lo += _segment)
            {
                if (Intersect(rel, n, lo, ranges, out _, out _))
                {
                    lock (Io.Locks.For(stripe))
                    {
                        RetryOnMemberFailure(destination[..n], request => ReadSegment(stripe, rel, ranges, request));
                    }
                }
            }

            offset += n;
            destination = destination[n..];
        }
    }

    public override void Write(long offset, ReadOnlySpan<byte> source)
    {
        var written = new ColumnRange[_dataDisks];
        while (!source.IsEmpty)
        {
            long stripe = offset / StripeBytes;
            long rel = offset - (stripe * StripeBytes);
            int n = (int)Math.Min(source.Length, StripeBytes - rel);
            for (int lo = 0; lo < _chunk; lo += _segment)
            {
                if (Intersect(rel, n, lo, written, out int hullLo, out int hullHi))
                {
                    fixed (byte* src = source)
                    {
                        // Scratch is rented inside the stripe lock (see BufferPool): a write waiting for its stripe
                        // holds none.
                        lock (Io.Locks.For(stripe))
                        {
                            var buffer = Buffers.Rent();
                            try
                            {
                                var buffers = new SegmentBuffers(buffer.Pointer, _segment, src, _chunk, hullLo, rel);
                                RetryOnMemberFailure(buffers, b => WriteSegment(stripe, hullLo, hullHi, written, b));
                            }
                            finally
                            {
                                Buffers.Return(buffer);
                            }
                        }
                    }
                }
            }

            offset += n;
            source = source[n..];
        }
    }

    // Member chunk i is stripe i's chunk on that slot: its parity, or the data chunk the layout put there.
    public override ChecksumFailure Locate(Member member, long memberOffset, int length)
    {
        long stripe = memberOffset / _chunk;
        int dataIndex = Raid5Layout.DataIndexOf(_algorithm, stripe, member.Slot, _disks);
        return dataIndex < 0
            ? new(member.DevNumber, memberOffset, length, null, stripe, StripeBytes)
            : new(member.DevNumber, memberOffset, length, (stripe * StripeBytes) + ((long)dataIndex * _chunk) + (memberOffset % _chunk), null, StripeBytes);
    }

    public override long SyncUnit(long unit, SyncKind kind)
    {
        long mismatches = 0;
        for (int lo = 0; lo < _chunk; lo += _segment)
        {
            int at = lo;
            lock (Io.Locks.For(unit))
            {
                var buffer = Buffers.Rent();
                try
                {
                    mismatches += RetryOnMemberFailure(buffer, b => SyncSegment(unit, at, at + _segment, kind, b));
                }
                finally
                {
                    Buffers.Return(buffer);
                }
            }
        }

        return mismatches;
    }

    /// <summary>
    /// For the request [rel, rel+n) within a stripe, the column range each data chunk k covers inside the
    /// segment starting at <paramref name="lo"/>, and the hull of those ranges.
    /// </summary>
    private bool Intersect(long rel, int n, int lo, ColumnRange[] ranges, out int hullLo, out int hullHi)
    {
        int hi = Math.Min(lo + _segment, _chunk);
        hullLo = hi;
        hullHi = lo;
        for (int k = 0; k < _dataDisks; k++)
        {
            long start = Math.Max(rel, ((long)k * _chunk) + lo) - ((long)k * _chunk);
            long end = Math.Min(rel + n, ((long)k * _chunk) + hi) - ((long)k * _chunk);
            if (start < end)
            {
                ranges[k] = new ColumnRange((int)start, (int)end);
                hullLo = Math.Min(hullLo, ranges[k].From);
                hullHi = Math.Max(hullHi, ranges[k].To);
            }
            else
            {
                ranges[k] = ColumnRange.None;
            }
        }

        return hullLo < hullHi;
    }

    private bool ReadSegment(long stripe, long rel, ColumnRange[] ranges, Span<byte> request)
    {
        Io.ThrowIfFailed();
        long memberBase = stripe * _chunk;
        var slots = Io.Slots;
        fixed (byte* destination = request)
        {
            // A column no member holds is rebuilt from the survivors' reads, which also serve their own columns.
            ulong served = 0; // a bit per data column: up to 63 (64 disks)
            for (int k = 0; k < _dataDisks; k++)
            {
                var member = slots[Raid5Layout.DataMember(_algorithm, stripe, k, _disks)];
                if (!ranges[k].IsEmpty && (member == null || !member.CanRead(memberBase + ranges[k].To)))
                {
                    served = ReconstructColumn(slots, stripe, k, ranges, destination, rel);
                    break;
                }
            }

            var reads = new MemberTransfer[_dataDisks];
            int count = 0;
            for (int k = 0; k < _dataDisks; k++)
            {
                var range = ranges[k];
                var member = slots[Raid5Layout.DataMember(_algorithm, stripe, k, _disks)];
                if (!range.IsEmpty && (served & (1UL << k)) == 0 && member != null && member.CanServe(memberBase + range.From, memberBase + range.To))
                {
                    reads[count++] = new MemberTransfer(member, memberBase + range.From, ColumnIn(destination, rel, ranges, k), range.Length);
                    served |= 1UL << k;
                }
            }

            Io.ReadMembers(reads, count);
            for (int k = 0; k < _dataDisks; k++)
            {
                var range = ranges[k];
                if (range.IsEmpty || (served & (1UL << k)) != 0)
                {
                    continue;
                }

                int slot = Raid5Layout.DataMember(_algorithm, stripe, k, _disks);
                var target = new Span<byte>(ColumnIn(destination, rel, ranges, k), range.Length);
                if (slots[slot] is { } member && member.CanRead(memberBase + range.To))
                {
                    ReadAroundBadBlocks(slots, slot, memberBase, range.From, range.To, target);
                }
                else
                {
                    Reconstruct(slots, slot, memberBase, range.From, range.To, target);
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Rebuilds data column <paramref name="missing"/> of a read from one read of every other slot over its range.
    /// Columns the request wants within that range are read straight into the request, or copied from the
    /// survivors' scratch, so each surviving chunk is read once. Returns the data columns it filled, as a bit mask.
    /// </summary>
    private ulong ReconstructColumn(Member?[] slots, long stripe, int missing, ColumnRange[] ranges, byte* destination, long rel)
    {
        byte* Target(int k) => ColumnIn(destination, rel, ranges, k);

        int lo = ranges[missing].From;
        int hi = ranges[missing].To;
        int missingSlot = Raid5Layout.DataMember(_algorithm, stripe, missing, _disks);
        var buffer = Buffers.Rent();
        try
        {
            byte** columns = stackalloc byte*[_disks];
            ulong filled = 1UL << missing;
            for (int slot = 0; slot < _disks; slot++)
            {
                int k = Raid5Layout.DataIndexOf(_algorithm, stripe, slot, _disks);
                bool whole = k >= 0 && ranges[k].From == lo && ranges[k].To == hi;
                columns[slot] = slot == missingSlot ? null : whole ? Target(k) : buffer.Pointer + (slot * _segment);
                filled |= whole ? 1UL << k : 0;
            }

            ReadSurvivors(slots, missingSlot, stripe * _chunk, lo, hi, columns);
            XorSurvivors(columns, missingSlot, Target(missing), hi - lo);
            for (int k = 0; k < _dataDisks; k++)
            {
                var range = ranges[k];
                if ((filled & (1UL << k)) == 0 && !range.IsEmpty && range.From >= lo && range.To <= hi)
                {
                    int slot = Raid5Layout.DataMember(_algorithm, stripe, k, _disks);
                    new ReadOnlySpan<byte>(columns[slot] + range.From - lo, range.Length).CopyTo(new Span<byte>(Target(k), range.Length));
                    filled |= 1UL << k;
                }
            }

            return filled;
        }
        finally
        {
            Buffers.Return(buffer);
        }
    }

    /// <summary>Where data column k's part of a read that starts at stripe byte <paramref name="rel"/> lands.</summary>
    private byte* ColumnIn(byte* destination, long rel, ColumnRange[] ranges, int k) => destination + ((long)k * _chunk) + ranges[k].From - rel;

    /// <summary>
    /// Reads [lo, hi) of every slot but <paramref name="missing"/> into <paramref name="columns"/>, side by side. A slot
    /// that cannot serve the range fails the reconstruction as md would meeting it in slot order: the reads of the
    /// slots before it go first, so their errors come first.
    /// </summary>
    private void ReadSurvivors(Member?[] slots, int missing, long memberBase, int lo, int hi, byte** columns)
    {
        var reads = new MemberTransfer[_disks];
        int count = 0;
        for (int slot = 0; slot < _disks; slot++)
        {
            if (slot == missing)
            {
                continue;
            }

            // Two columns down: lost bytes when one of them is only bad blocks, a failed array when both are gone.
            var member = slots[slot];
            bool gone = member == null || !member.CanRead(memberBase + hi);
            if (gone && !(slots[missing] is { } present && present.CanRead(memberBase + hi)))
            {
                Io.ReadMembers(reads, count);
                throw Io.FailedError("two members of a stripe are unavailable");
            }

            if (gone || !member!.CanServe(memberBase + lo, memberBase + hi))
            {
                Io.ReadMembers(reads, count);
                throw Io.LostError(memberBase + lo, hi - lo);
            }

            reads[count++] = new MemberTransfer(member, memberBase + lo, columns[slot], hi - lo);
        }

        Io.ReadMembers(reads, count);
    }

    private void XorSurvivors(byte** columns, int missing, byte* destination, int width)
    {
        byte** sources = stackalloc byte*[_disks];
        int count = 0;
        for (int slot = 0; slot < _disks; slot++)
        {
            if (slot != missing)
            {
                sources[count++] = columns[slot];
            }
        }

        XorParity.Xor(sources, count, destination, width);
    }

    /// <summary>
    /// Reads a column that holds bad blocks (recorded, or just failed) 4 KiB at a time: good blocks from the member,
    /// the others rebuilt from the rest of the stripe, so one bad block costs one block of reconstruction.
    /// </summary>
    private void ReadAroundBadBlocks(Member?[] slots, int slot, long memberBase, int lo, int hi, Span<byte> target)
    {
        var member = slots[slot]!;
        for (int at = lo; at < hi;)
        {
            int next = Math.Min(hi, ((at / MemberIo.BlockBytes) + 1) * MemberIo.BlockBytes);
            var piece = target.Slice(at - lo, next - at);
            if (member.CanServe(memberBase + at, memberBase + next))
            {
                Io.ReadMember(member, memberBase + at, piece);
            }
            else
            {
                Reconstruct(slots, slot, memberBase, at, next, piece);
            }

            at = next;
        }
    }

    /// <summary>Rebuilds [lo, hi) of <paramref name="missing"/> as the XOR of every other slot.</summary>
    private void Reconstruct(Member?[] slots, int missing, long memberBase, int lo, int hi, Span<byte> target)
    {
        var buffer = Buffers.Rent();
        try
        {
            byte** columns = stackalloc byte*[_disks];
            for (int slot = 0; slot < _disks; slot++)
            {
                columns[slot] = buffer.Pointer + (slot * _segment);
            }

            ReadSurvivors(slots, missing, memberBase, lo, hi, columns);
            fixed (byte* dest = target)
            {
                XorSurvivors(columns, missing, dest, hi - lo);
            }
        }
        finally
        {
            Buffers.Return(buffer);
        }
    }

    private bool WriteSegment(long stripe, int lo, int hi, ColumnRange[] written, SegmentBuffers buffers)
    {
        Io.ThrowIfFailed();
        var slots = Io.Slots;
        long memberBase = stripe * _chunk;
        int width = hi - lo;
        int parity = Raid5Layout.ParityMember(_algorithm, stripe, _disks);
        var down = DownSlots(slots, memberBase + lo, memberBase + hi);
        if (down.Count > 1 && width > MemberIo.BlockBytes)
        {
            // Bad blocks of two members may lie in different 4 KiB blocks of this window: each block on its own
            // still has its redundancy, so the write is planned block by block.
            return WriteBlockByBlock(stripe, lo, hi, written, buffers);
        }

        int unreadable = down.Count == 1 ? down[0] : -1;
        int missingData = unreadable >= 0 && unreadable != parity ? Raid5Layout.DataIndexOf(_algorithm, stripe, unreadable, _disks) : -1;
        var plan = StripePlan.ForDegraded(new StripeWrite(lo, hi, written)
        {
            UnreadableData = missingData,
            UnreadableParity = down.Contains(parity),
            BeyondResyncPoint = memberBase + hi > Io.SyncedUpTo,
            DownData = down.Count > 1 ? [.. down.Where(s => s != parity).Select(s => Raid5Layout.DataIndexOf(_algorithm, stripe, s, _disks))] : [],
        }) ?? throw Io.LostError(memberBase + lo, width);

        byte* Column(int slot) => buffers.Column(slot);
        byte* New(int k) => buffers.New(k);

        var transfers = new MemberTransfer[_disks];
        int count = 0;
        if (!plan.ParityRead.IsEmpty)
        {
            transfers[count++] = new MemberTransfer(slots[parity]!, memberBase + lo, Column(parity), width);
        }

        for (int k = 0; k < _dataDisks; k++)
        {
            var read = plan.DataReads[k];
            if (!read.IsEmpty)
            {
                int slot = Raid5Layout.DataMember(_algorithm, stripe, k, _disks);
                transfers[count++] = new MemberTransfer(slots[slot]!, memberBase + read.From, Column(slot) + read.From - lo, read.Length);
            }
        }

        TransferForWrite(transfers, count, width, write: false);

        if (plan.Mode == StripeWriteMode.ReadModifyWrite)
        {
            // P' = P ^ old ^ new over each written range.
            byte** three = stackalloc byte*[3];
            for (int k = 0; k < _dataDisks; k++)
            {
                if (!written[k].IsEmpty)
                {
                    int at = written[k].From - lo;
                    int slot = Raid5Layout.DataMember(_algorithm, stripe, k, _disks);
                    three[0] = Column(parity) + at;
                    three[1] = Column(slot) + at;
                    three[2] = New(k) + at;
                    XorParity.Xor(three, 3, Column(parity) + at, written[k].Length);
                }
            }
        }
        else
        {
            ReconstructWrite(stripe, lo, width, written, plan, unreadable, missingData, slots, buffers);
        }

        count = 0;
        for (int k = 0; k < _dataDisks; k++)
        {
            int slot = Raid5Layout.DataMember(_algorithm, stripe, k, _disks);
            if (!written[k].IsEmpty && slot != unreadable && slots[slot] is { } member)
            {
                int at = written[k].From - lo;
                transfers[count++] = new MemberTransfer(member, memberBase + written[k].From, New(k) + at, written[k].Length);
            }
        }

        if (slots[parity] is { CanWrite: true } parityMember)
        {
            transfers[count++] = new MemberTransfer(parityMember, memberBase + lo, Column(parity), width);
        }

        TransferForWrite(transfers, count, width, write: true);

        Io.ThrowIfFailed();
        return true;
    }

    /// <summary>
    /// The member reads (or writes) of a stripe write. Narrow ones run one after another on this thread: a few KiB
    /// from each member cost less than handing them to another thread and waiting for it (on two cores, several
    /// times less), and failures are handled in the order given either way.
    /// </summary>
    private void TransferForWrite(MemberTransfer[] transfers, int count, int width, bool write)
    {
        if (width > InlineMemberBytes)
        {
            if (write)
            {
                Io.WriteMembers(transfers, count);
            }
            else
            {
                Io.ReadMembers(transfers, count);
            }

            return;
        }

        for (int i = 0; i < count; i++)
        {
            var t = transfers[i];
            if (write)
            {
                Io.WriteMember(t.Member, t.MemberOffset, t.Span);
            }
            else
            {
                Io.ReadMember(t.Member, t.MemberOffset, t.Span);
            }
        }
    }

    private bool WriteBlockByBlock(long stripe, int lo, int hi, ColumnRange[] written, SegmentBuffers buffers)
    {
        const int Block = MemberIo.BlockBytes;
        var part = new ColumnRange[_dataDisks];
        for (int from = lo; from < hi; from = ((from / Block) + 1) * Block)
        {
            int to = Math.Min(hi, ((from / Block) + 1) * Block);
            int partLo = to;
            int partHi = from;
            for (int k = 0; k < _dataDisks; k++)
            {
                part[k] = new ColumnRange(Math.Max(written[k].From, from), Math.Min(written[k].To, to));
                if (!part[k].IsEmpty)
                {
                    partLo = Math.Min(partLo, part[k].From);
                    partHi = Math.Max(partHi, part[k].To);
                }
                else
                {
                    part[k] = ColumnRange.None;
                }
            }

            if (partLo < partHi)
            {
                WriteSegment(stripe, partLo, partHi, part, buffers.Skip(partLo - lo));
            }
        }

        return true;
    }

    /// <summary>Computes parity from every data column: old ones as read (or rebuilt), new ones from the request.</summary>
    private void ReconstructWrite(
        long stripe, int lo, int width, ColumnRange[] written, StripePlan plan, int unreadable, int missingData, Member?[] slots, SegmentBuffers buffers)
    {
        long memberBase = stripe * _chunk;
        int parity = Raid5Layout.ParityMember(_algorithm, stripe, _disks);
        byte* Column(int slot) => buffers.Column(slot);
        if (plan.RebuildsUnreadable)
        {
            byte** others = stackalloc byte*[_dataDisks];
            int count = 0;
            for (int slot = 0; slot < _disks; slot++)
            {
                if (slot != unreadable)
                {
                    others[count++] = Column(slot);
                }
            }

            XorParity.Xor(others, count, Column(unreadable), width);
        }

        byte** data = stackalloc byte*[_dataDisks];
        for (int k = 0; k < _dataDisks; k++)
        {
            int slot = Raid5Layout.DataMember(_algorithm, stripe, k, _disks);
            byte* fresh = buffers.New(k);
            if (written[k].From == lo && written[k].To == lo + width)
            {
                data[k] = fresh;
                continue;
            }

            if (!written[k].IsEmpty)
            {
                int at = written[k].From - lo;
                new ReadOnlySpan<byte>(fresh + at, written[k].Length).CopyTo(new Span<byte>(Column(slot) + at, written[k].Length));
            }

            data[k] = Column(slot);
        }

        XorParity.Xor(data, _dataDisks, Column(parity), width);

        // A member being rebuilt above its recovery offset gets its whole column, now known in full.
        if (missingData >= 0 && slots[unreadable] is { CanWrite: true } rebuilding)
        {
            Io.WriteMember(rebuilding, memberBase + lo, new ReadOnlySpan<byte>(data[missingData], width));
        }
    }

    /// <summary>
    /// The slots that cannot serve member bytes [start, end): missing, not yet rebuilt, or bad blocks there. Two
    /// missing members fail the array; bad blocks only make the stripe's plan narrower.
    /// </summary>
    private List<int> DownSlots(Member?[] slots, long start, long end)
    {
        var down = new List<int>(0);
        int gone = 0;
        for (int slot = 0; slot < _disks; slot++)
        {
            var member = slots[slot];
            if (member == null || !member.CanServe(start, end))
            {
                down.Add(slot);
                gone += member == null || !member.CanRead(end) ? 1 : 0;
            }
        }

        if (gone > 1)
        {
            throw Io.FailedError("two members of a stripe are unavailable");
        }

        return down;
    }

    /// <summary>
    /// Recovers a window in which some survivor cannot be read, 4 KiB at a time. A block some survivor cannot give
    /// cannot be rebuilt: as md does, it is recorded bad on the replacement (and on the survivor that failed), and
    /// the rebuild goes on; reads of it then fail with EIO instead of returning made-up bytes.
    /// </summary>
    private void RecoverBlocks(Member?[] slots, long stripe, int target, int lo, int hi, AlignedBuffer buffer)
    {
        long memberBase = stripe * _chunk;
        byte** sources = stackalloc byte*[_disks];
        var unreadable = new List<Member>();
        for (int at = lo; at < hi;)
        {
            int next = Math.Min(hi, ((at / MemberIo.BlockBytes) + 1) * MemberIo.BlockBytes);
            int count = 0;
            unreadable.Clear();
            for (int slot = 0; slot < _disks; slot++)
            {
                var member = slots[slot]!;
                byte* column = buffer.Pointer + (slot * _segment) + (at - lo);
                if (slot == target)
                {
                    continue;
                }

                if (!member.CanServe(memberBase + at, memberBase + next) || !TryRead(member, memberBase + at, new Span<byte>(column, next - at)))
                {
                    unreadable.Add(member);
                }

                sources[count++] = column;
            }

            if (unreadable.Count == 0)
            {
                byte* rebuilt = buffer.Pointer + (target * _segment) + (at - lo);
                XorParity.Xor(sources, count, rebuilt, next - at);
                Io.WriteMember(slots[target]!, memberBase + at, new ReadOnlySpan<byte>(rebuilt, next - at));
            }
            else
            {
                Io.RecordLost(slots[target]!, memberBase + at, next - at, "rebuild could not read the rest of the stripe");
                foreach (var member in unreadable.Where(m => !m.BadBlocks.Overlaps((memberBase + at) / 512, (next - at) / 512)))
                {
                    Io.RecordLost(member, memberBase + at, next - at, "unreadable while rebuilding another member, with no redundancy left");
                }
            }

            at = next;
        }
    }

    private bool TryRead(Member member, long offset, Span<byte> destination)
    {
        try
        {
            Io.ReadMember(member, offset, destination);
            return true;
        }
        catch (MemberReadErrorException error)
        {
            // This member's bytes were needed to rebuild another's, so they have no redundancy left either: a
            // scrub names them as not repaired (the rotten parity beside rotten data in one stripe).
            Io.NoteUnrepaired(member, offset, destination.Length, (IOException)error.InnerException!);
            return false;
        }
    }

    protected override bool RebuildMemberRange(Member member, long offset, Span<byte> destination)
    {
        var slots = Io.Slots;
        int missing = Array.IndexOf(slots, member);
        long end = offset + destination.Length;
        if (missing < 0 || slots.Any(m => m != member && (m == null || !m.CanServe(offset, end))))
        {
            return false;
        }

        destination.Clear();
        var column = new byte[destination.Length];
        foreach (var other in slots)
        {
            if (other != member)
            {
                if (!TryRead(other!, offset, column))
                {
                    return false;
                }

                for (int i = 0; i < column.Length; i++)
                {
                    destination[i] ^= column[i];
                }
            }
        }

        return true;
    }

    private long SyncSegment(long stripe, int lo, int hi, SyncKind kind, AlignedBuffer buffer)
    {
        var slots = Io.Slots;
        long memberBase = stripe * _chunk;
        int width = hi - lo;
        int parity = Raid5Layout.ParityMember(_algorithm, stripe, _disks);
        byte* Column(int slot) => buffer.Pointer + (slot * _segment);
        byte** sources = stackalloc byte*[_disks];
        int count = 0;

        if (kind == SyncKind.Recovery)
        {
            int target = -1;
            int missing = 0;
            for (int slot = 0; slot < _disks; slot++)
            {
                var member = slots[slot];
                if (member is { State: MemberState.Rebuilding } && member.RecoveryOffset <= memberBase)
                {
                    target = slot;
                }
                else if (member == null || !member.CanRead(memberBase + hi))
                {
                    missing++;
                }
            }

            // Nothing to rebuild here (the target itself may have just failed).
            if (target < 0)
            {
                return 0;
            }

            if (missing > 0)
            {
                throw Io.FailedError("a rebuild needs every other member in sync");
            }

            bool whole = true;
            for (int slot = 0; slot < _disks; slot++)
            {
                whole &= slot == target || slots[slot]!.CanServe(memberBase + lo, memberBase + hi);
            }

            if (!whole)
            {
                RecoverBlocks(slots, stripe, target, lo, hi, buffer);
                return 0;
            }

            var survivors = new MemberTransfer[_disks];
            for (int slot = 0; slot < _disks; slot++)
            {
                if (slot != target)
                {
                    survivors[count] = new MemberTransfer(slots[slot]!, memberBase + lo, Column(slot), width);
                    sources[count++] = Column(slot);
                }
            }

            Io.ReadMembers(survivors, count);
            XorParity.Xor(sources, count, Column(target), width);
            Io.WriteMember(slots[target]!, memberBase + lo, new ReadOnlySpan<byte>(Column(target), width));
            return 0;
        }

        if (slots.Any(m => m == null || !m.CanRead(memberBase + hi)))
        {
            throw new ArrayRefusedException("every member must be in sync to resync or scrub");
        }

        var unservable = DownSlots(slots, memberBase + lo, memberBase + hi);

        // A column with bad blocks here cannot be compared; a read error just met is rewritten from the others
        // once this segment is done (md's check rewrites unreadable sectors), recorded bad blocks stay as they are.
        // Resync still rewrites parity when only parity is bad, which clears it.
        if (unservable.Count > 1 || (unservable.Count == 1 && !(kind == SyncKind.Resync && unservable[0] == parity)))
        {
            return 0;
        }

        var reads = new MemberTransfer[_disks];
        int readCount = 0;
        for (int slot = 0; slot < _disks; slot++)
        {
            if (slot != parity || kind != SyncKind.Resync)
            {
                reads[readCount++] = new MemberTransfer(slots[slot]!, memberBase + lo, Column(slot), width);
            }

            if (slot != parity)
            {
                sources[count++] = Column(slot);
            }
        }

        Io.ReadMembers(reads, readCount);
        if (kind == SyncKind.Check)
        {
            // A check writes nothing: every column, parity among them, XORs to zero on a consistent page.
            byte** all = stackalloc byte*[_disks];
            for (int slot = 0; slot < _disks; slot++)
            {
                all[slot] = Column(slot);
            }

            return (long)ParityCheck.MismatchedPages(all, _disks, width, PageBytes) * (PageBytes / 512);
        }

        // One spare column past the members receives the computed parity.
        byte* computed = Column(_disks);
        XorParity.Xor(sources, count, computed, width);
        var expected = new ReadOnlySpan<byte>(computed, width);
        long mismatches = kind == SyncKind.Resync ? 0 : MismatchedSectors(expected, new ReadOnlySpan<byte>(Column(parity), width));
        if (kind == SyncKind.Resync || (kind == SyncKind.Repair && mismatches > 0))
        {
            Io.WriteMember(slots[parity]!, memberBase + lo, expected);
        }

        return mismatches;
    }
}
