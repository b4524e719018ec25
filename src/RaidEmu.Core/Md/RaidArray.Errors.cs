using RaidEmu.Core.Events;

namespace RaidEmu.Core.Md;

/// <summary>md's reactions to member errors that leave the member in the array: corrected reads, bad blocks, lost regions.</summary>
public sealed partial class RaidArray
{
    /// <summary>md's max_corr_read_errors: a member with more corrected read errors than this is failed.</summary>
    public const int MaxCorrectedReadErrors = 20;

    private readonly Lock _checksumLogGate = new();
    private long _lostBytes;
    private List<NotedChecksumFailure>? _checksumLog;

    /// <summary>
    /// Regions of the logical volume no member can serve any more, in volume bytes, sorted and merged: recorded
    /// bad blocks with no redundancy left for them (another bad block in the same stripe, or a missing member).
    /// Reads touching them fail with <see cref="UnrecoverableReadException"/>.
    /// </summary>
    public IReadOnlyList<ByteRange> Unrecoverable
    {
        get
        {
            lock (_stateGate)
            {
                return LostRegions.Compute(Geometry, _table.Slots);
            }
        }
    }

    internal bool IsPoweredOff => _poweredOff;

    /// <summary>A member read error was rewritten from redundancy and reads back: count it, and fail a member that keeps erring.</summary>
    internal void NoteReadErrorCorrected(Member member, long memberOffset, int length)
    {
        int count = member.CountCorrectedReadError();
        lock (_stateGate)
        {
            if (_disposed || _poweredOff)
            {
                return;
            }

            // The count lives in the superblock (cnt_corrected_read), which md writes without a new event.
            WriteSuperblocks(bumpEvents: false);
            _sink.Append(new ArrayEvent(_clock.GetUtcNow(), Uuid, EventTypes.ReadErrorCorrected, member.DevNumber, $"{Where(memberOffset, length)} rewritten from redundancy; {count} corrected so far", _events));
        }

        if (count > MaxCorrectedReadErrors)
        {
            FailMember(member, $"too many corrected read errors ({count} > {MaxCorrectedReadErrors})");
        }
    }

    /// <summary>md sees a checksum failure as a read error; this counts it apart, so silent corruption shows.</summary>
    internal void NoteChecksumErrorCorrected(Member member, long memberOffset, int length)
    {
        int count = member.CountCorrectedChecksumError();
        Note(EventTypes.ChecksumErrorCorrected, member, $"{Where(memberOffset, length)} failed its checksum and was rewritten from redundancy; {count} corrected so far");
    }

    /// <summary>
    /// Member blocks that failed their checksum, kept while a scrub runs so it can say which; <paramref name="repaired"/>
    /// is false for blocks no redundancy was left to rebuild.
    /// </summary>
    internal void NoteChecksumFailures(Member member, IEnumerable<(long Offset, int Length)> blocks, bool repaired = true)
    {
        lock (_checksumLogGate)
        {
            if (_checksumLog == null)
            {
                return;
            }

            foreach (var (offset, length) in blocks)
            {
                _checksumLog.Add(new NotedChecksumFailure(member, offset, length, repaired));
            }
        }
    }

    /// <summary>Starts keeping the blocks <see cref="NoteChecksumFailures"/> reports.</summary>
    internal void StartChecksumLog()
    {
        lock (_checksumLogGate)
        {
            _checksumLog = [];
        }
    }

    /// <summary>
    /// Stops keeping failing blocks and returns them, each once, in member and offset order; a block noted more than
    /// once counts as repaired only if every note says so.
    /// </summary>
    internal List<NotedChecksumFailure> TakeChecksumLog()
    {
        lock (_checksumLogGate)
        {
            var log = _checksumLog ?? [];
            _checksumLog = null;
            if (log.Count == 0)
            {
                // The common case, without the grouping's generics over tuple keys (compiled at run time).
                return log;
            }

            return [.. log.GroupBy(b => (b.Member, b.Offset))
                .Select(g => g.First() with { Repaired = g.All(b => b.Repaired) })
                .OrderBy(b => b.Member.DevNumber).ThenBy(b => b.Offset)];
        }
    }

    /// <summary>A read found no member holding the bytes: the caller gets EIO, the array stays up.</summary>
    internal void NoteReadErrorUncorrectable(Member member, long memberOffset, int length)
    {
        Note(EventTypes.ReadErrorUncorrectable, member, $"{Where(memberOffset, length)}: no other member holds these bytes; the read fails with EIO");
    }

    /// <summary>
    /// Records member blocks as bad and persists them. The member is failed instead when it keeps no log, the log is
    /// full, or (<paramref name="needsRedundancy"/>) no other member could serve the range.
    /// </summary>
    internal void RecordBadBlocks(Member member, IReadOnlyList<(long Offset, int Length)> blocks, string why, bool needsRedundancy)
    {
        lock (_stateGate)
        {
            if (member.State == MemberState.Faulty || _disposed || _poweredOff)
            {
                return;
            }

            string? refusal = !member.HasBadBlockLog ? "it keeps no bad-block log"
                : needsRedundancy && blocks.Any(b => !HasRedundancy(member, b.Offset, b.Offset + b.Length)) ? "no other member holds the range"
                : blocks.Any(b => !member.BadBlocks.Add(b.Offset / 512, b.Length / 512)) ? "its bad-block log is full"
                : null;
            if (refusal != null)
            {
                FailMember(member, $"{why}; cannot record a bad block: {refusal}");
                return;
            }

            WriteSuperblocks(bumpEvents: false);
            foreach (var block in blocks)
            {
                _sink.Append(new ArrayEvent(_clock.GetUtcNow(), Uuid, EventTypes.BadBlockRecorded, member.DevNumber, $"{Where(block.Offset, block.Length)}: {why}", _events));
            }

            NoteLoss(member);
        }
    }

    /// <summary>A member took a write: sectors it fully covered are good again.</summary>
    internal void NoteWritten(Member member, long memberOffset, int length)
    {
        long first = (memberOffset + 511) / 512;
        long count = ((memberOffset + length) / 512) - first;
        if (count <= 0 || !member.BadBlocks.Overlaps(first, count))
        {
            return;
        }

        lock (_stateGate)
        {
            if (_poweredOff || !member.BadBlocks.Clear(first, count))
            {
                return;
            }

            WriteSuperblocks(bumpEvents: false);
            _sink.Append(new ArrayEvent(_clock.GetUtcNow(), Uuid, EventTypes.BadBlockCleared, member.DevNumber, $"data-area sectors {first}-{first + count - 1} written again", _events));
            _lostBytes = LostRegions.Compute(Geometry, _table.Slots).Sum(r => r.Length);
        }
    }

    /// <summary>Logs <see cref="EventTypes.DataLost"/> when the lost regions grew. Under the state lock.</summary>
    private void NoteLoss(Member member)
    {
        var lost = LostRegions.Compute(Geometry, _table.Slots);
        long bytes = lost.Sum(r => r.Length);
        if (bytes > _lostBytes)
        {
            string where = string.Join(", ", lost.Take(8).Select(r => $"{r.Offset}+{r.Length}"));
            _sink.Append(new ArrayEvent(_clock.GetUtcNow(), Uuid, EventTypes.DataLost, member.DevNumber, $"{bytes} bytes of the volume can no longer be read (offset+length: {where}{(lost.Count > 8 ? ", ..." : "")})", _events));
        }

        _lostBytes = bytes;
    }

    private bool HasRedundancy(Member member, long start, long end)
    {
        int others = _table.Slots.Count(m => m != null && m != member && m.CanServe(start, end));
        return others >= (Geometry.Level == RaidLevel.Raid1 ? 1 : Geometry.RaidDisks - 1);
    }

    private void Note(string type, Member member, string details)
    {
        lock (_stateGate)
        {
            _sink.Append(new ArrayEvent(_clock.GetUtcNow(), Uuid, type, member.DevNumber, details, _events));
        }
    }

    private string Where(long memberOffset, long length)
    {
        long sector = memberOffset / 512;
        return $"data-area sectors {sector}-{((memberOffset + length + 511) / 512) - 1} (device sector {(Geometry.DataOffsetBytes / 512) + sector})";
    }
}
