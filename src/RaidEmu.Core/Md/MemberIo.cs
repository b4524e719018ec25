using System.Diagnostics;
using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Md;

/// <summary>
/// All a personality may touch of its array: the slot table, stripe locks, and reads and writes of member
/// data areas. Member errors get md's reactions here: a gone or hung device is reported to the array, which
/// fails it; a range that cannot be read is handed back for the personality to serve from redundancy; a range
/// that cannot be written is narrowed to 4 KiB blocks and recorded as bad. The personality never changes
/// member state itself.
/// </summary>
internal sealed class MemberIo : IDisposable
{
    /// <summary>Bad-block granularity: md records and repairs whole 4 KiB pages.</summary>
    internal const int BlockBytes = 4096;

    private readonly RaidArray _array;

    private readonly MemberWorkers _workers;

    public MemberIo(RaidArray array)
    {
        _array = array;
        Geometry = array.Geometry;
        _workers = new MemberWorkers(Geometry.RaidDisks - 1);
    }

    public ArrayGeometry Geometry { get; }

    /// <summary>Slot table snapshot: the member holding each slot (in sync or rebuilding), or null.</summary>
    public Member?[] Slots => _array.Slots;

    /// <summary>Member bytes up to which redundancy is known consistent.</summary>
    public long SyncedUpTo => _array.SyncedUpTo;

    public StripeLocks Locks { get; } = new();

    /// <summary>Throws when the array has failed or lost power: nothing may be served.</summary>
    public void ThrowIfFailed() => _array.ThrowIfFailed();

    /// <summary>The error for an operation the remaining members cannot serve.</summary>
    public ArrayFailedException FailedError(string why) => _array.FailedError(why);

    /// <summary>The error for a read of bytes no member holds any more; the array keeps running.</summary>
    public UnrecoverableReadException LostError(long memberOffset, int length) =>
        new($"array '{_array.Name}': {length} bytes at member offset {memberOffset} cannot be read from any member (data lost)");

    /// <summary>
    /// Reads member bytes of the data area, retrying once (a flaky link). A gone or hung member is failed and
    /// <see cref="MemberIoException"/> asks the caller to retry without it; a range that stays unreadable raises
    /// <see cref="MemberReadErrorException"/> for the read-error path.
    /// </summary>
    public void ReadMember(Member member, long memberOffset, Span<byte> destination)
    {
        if (TryRead(member, memberOffset, destination) is { } error)
        {
            ReadFailed(member, memberOffset, destination, error);
        }
    }

    /// <summary>
    /// <see cref="ReadMember"/> for each of <paramref name="reads"/>, the first tries side by side. Failures are then
    /// handled one by one in the order given, as if the reads had been issued one after another: the first that
    /// throws ends the batch, so several failing members give the same outcome however the threads ran.
    /// </summary>
    public void ReadMembers(MemberTransfer[] reads, int count)
    {
        if (count == 1)
        {
            ReadMember(reads[0].Member, reads[0].MemberOffset, reads[0].Span);
            return;
        }

        var errors = new IOException?[count];
        _workers.Run(count, i => errors[i] = TryRead(reads[i].Member, reads[i].MemberOffset, reads[i].Span));
        for (int i = 0; i < count; i++)
        {
            if (errors[i] is { } error)
            {
                ReadFailed(reads[i].Member, reads[i].MemberOffset, reads[i].Span, error);
            }
        }
    }

    /// <summary>
    /// <see cref="WriteMember"/> for each of <paramref name="writes"/>, the first tries side by side; what follows a
    /// write (clearing bad blocks it covered, md's reactions to a failure) runs in the order given, as if the writes
    /// had been issued one after another. A full host file system fails the batch at the first write that met it.
    /// </summary>
    /// <param name="writes">The writes, in the order md would handle their failures.</param>
    /// <param name="count">How many of <paramref name="writes"/> to run.</param>
    /// <param name="landed">When given, receives what <see cref="WriteMember"/> would have returned for each write.</param>
    public void WriteMembers(MemberTransfer[] writes, int count, bool[]? landed = null)
    {
        if (count == 1)
        {
            bool took = WriteMember(writes[0].Member, writes[0].MemberOffset, writes[0].Span);
            landed?[0] = took;
            return;
        }

        var errors = new Exception?[count];
        _workers.Run(count, i =>
        {
            try
            {
                errors[i] = TryWriteDevice(writes[i].Member, writes[i].MemberOffset, writes[i].Span);
            }
            catch (HostFullException full)
            {
                errors[i] = full;
            }
        });
        for (int i = 0; i < count; i++)
        {
            var write = writes[i];
            bool took = true;
            switch (errors[i])
            {
                case null:
                    _array.NoteWritten(write.Member, write.MemberOffset, write.Length);
                    break;
                case HostFullException full:
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(full);
                    break;
                case IOException error:
                    took = WriteFailed(write.Member, write.MemberOffset, write.Span, error);
                    break;
            }

            landed?[i] = took;
        }
    }

    public void Dispose() => _workers.Dispose();

    private void ReadFailed(Member member, long memberOffset, Span<byte> destination, IOException error)
    {
        if (!FailsAtOnce(error))
        {
            if (TryRead(member, memberOffset, destination) is not { } again)
            {
                return;
            }

            error = again;
        }

        if (FailsAtOnce(error))
        {
            _array.FailFromIo(member, error);
            throw new MemberIoException(member, error);
        }

        // A medium error names the failing bytes: only those are set aside and repaired, not the whole request.
        if (error is MediumErrorException { Length: > 0 } medium)
        {
            long from = Math.Max(memberOffset, medium.Offset - Geometry.DataOffsetBytes);
            long to = Math.Min(memberOffset + destination.Length, medium.Offset + medium.Length - Geometry.DataOffsetBytes);
            if (from < to)
            {
                throw new MemberReadErrorException(member, from, (int)(to - from), error);
            }
        }

        throw new MemberReadErrorException(member, memberOffset, destination.Length, error);
    }

    /// <summary>
    /// Writes member bytes of the data area; false when the member did not take all of them (it failed, or
    /// blocks of the range were recorded bad). A full host file system is no disk failure: it fails the whole
    /// request instead, and no member.
    /// </summary>
    /// <exception cref="HostFullException">The host file system has no room for the write.</exception>
    public bool WriteMember(Member member, long memberOffset, ReadOnlySpan<byte> source)
    {
        var error = TryWrite(member, memberOffset, source);
        return error == null || WriteFailed(member, memberOffset, source, error);
    }

    /// <summary>md's reactions to a member write that failed its first try; true when a second try took it all.</summary>
    private bool WriteFailed(Member member, long memberOffset, ReadOnlySpan<byte> source, IOException error)
    {
        if (!FailsAtOnce(error) && error is not MediumErrorException && TryWrite(member, memberOffset, source) == null)
        {
            return true;
        }

        if (FailsAtOnce(error))
        {
            _array.FailFromIo(member, error);
            return false;
        }

        // md's narrow_write_error: find which 4 KiB blocks the member cannot take and record only those.
        var failed = WriteBlocks(member, memberOffset, source, verify: false, out var fatal);
        if (fatal != null)
        {
            _array.FailFromIo(member, fatal);
            return false;
        }

        return failed.Count == 0 || RecordBad(member, failed, memberOffset, source.Length, error, "write error");
    }

    /// <summary>
    /// md's fix_read_error: rewrites <paramref name="good"/> (rebuilt from redundancy) over the member's failing
    /// range block by block and reads each block back. Success counts a corrected read error; blocks that still
    /// fail are recorded bad.
    /// </summary>
    public void Repair(Member member, long memberOffset, ReadOnlySpan<byte> good, IOException cause)
    {
        if (cause is ChecksumMismatchException sums)
        {
            _array.NoteChecksumFailures(member, FailedBlocks(sums, memberOffset, good.Length));
        }

        var failed = WriteBlocks(member, memberOffset, good, verify: true, out var fatal);
        if (fatal != null)
        {
            _array.FailFromIo(member, fatal);
        }
        else if (failed.Count == 0)
        {
            if (cause is ChecksumMismatchException)
            {
                _array.NoteChecksumErrorCorrected(member, memberOffset, good.Length);
            }

            _array.NoteReadErrorCorrected(member, memberOffset, good.Length);
        }
        else
        {
            RecordBad(member, failed, memberOffset, good.Length, cause, "read error not repaired by a rewrite");
        }
    }

    /// <summary>The blocks of [memberOffset, memberOffset+length) the checksums caught, in data-area offsets.</summary>
    private List<(long Offset, int Length)> FailedBlocks(ChecksumMismatchException sums, long memberOffset, int length)
    {
        if (sums.BlockOffsets.Count == 0)
        {
            return [(memberOffset, length)];
        }

        return [.. sums.BlockOffsets
            .Select(device => device - Geometry.DataOffsetBytes)
            .Where(at => at + sums.BlockBytes > memberOffset && at < memberOffset + length)
            .Select(at => (at, sums.BlockBytes))];
    }

    /// <summary>A read error no member could make up for: the caller gets EIO.</summary>
    public void NoteUncorrectable(Member member, long memberOffset, int length, IOException cause)
    {
        NoteUnrepaired(member, memberOffset, length, cause);
        _array.NoteReadErrorUncorrectable(member, memberOffset, length);
    }

    /// <summary>A read error no redundancy was left to rebuild: a scrub names the blocks that failed their checksum as not repaired.</summary>
    public void NoteUnrepaired(Member member, long memberOffset, int length, IOException cause)
    {
        if (cause is ChecksumMismatchException sums)
        {
            _array.NoteChecksumFailures(member, FailedBlocks(sums, memberOffset, length), repaired: false);
        }
    }

    /// <summary>Records blocks that no read of any member could serve (a rebuild meeting an unreadable sector).</summary>
    public void RecordLost(Member member, long memberOffset, int length, string why)
    {
        var (start, end) = AlignOut(memberOffset, length);
        _array.RecordBadBlocks(member, [(start, (int)(end - start))], why, needsRedundancy: false);
    }

    /// <summary>The 4 KiB-aligned member range around [offset, offset+length), within the component.</summary>
    public (long Start, long End) AlignOut(long offset, long length) =>
        (offset / BlockBytes * BlockBytes, Math.Min(Geometry.ComponentBytes, (offset + length + BlockBytes - 1) / BlockBytes * BlockBytes));

    /// <summary>True when the device is gone or hung (fail at once), or no I/O can be trusted (power cut).</summary>
    private bool FailsAtOnce(IOException error) =>
        error is DeviceGoneException or DeviceTimeoutException or HostFullException || HostFile.IsOutOfSpace(error) || _array.IsPoweredOff;

    private static IOException? TryRead(Member member, long memberOffset, Span<byte> destination, long dataOffset)
    {
        long began = Stopwatch.GetTimestamp();
        member.BeginIo();
        try
        {
            member.Device.Read(dataOffset + memberOffset, destination);
            member.CountRead(destination.Length);
            return null;
        }
        catch (IOException ex) when (ex is not ArrayFailedException)
        {
            return ex;
        }
        finally
        {
            member.EndIo(Stopwatch.GetTimestamp() - began, read: true);
        }
    }

    private IOException? TryRead(Member member, long memberOffset, Span<byte> destination) =>
        TryRead(member, memberOffset, destination, Geometry.DataOffsetBytes);

    private IOException? TryWrite(Member member, long memberOffset, ReadOnlySpan<byte> source)
    {
        var error = TryWriteDevice(member, memberOffset, source);
        if (error == null)
        {
            _array.NoteWritten(member, memberOffset, source.Length);
        }

        return error;
    }

    /// <summary>The device write alone; what the array notes of a write that landed is the caller's.</summary>
    private IOException? TryWriteDevice(Member member, long memberOffset, ReadOnlySpan<byte> source)
    {
        member.BeginIo();
        try
        {
            member.Device.Write(Geometry.DataOffsetBytes + memberOffset, source);
            member.CountWrite(source.Length);
            return null;
        }
        catch (HostFullException)
        {
            _array.NoteHostFull();
            throw;
        }
        catch (IOException ex)
        {
            return ex;
        }
        finally
        {
            member.EndIo(0, read: false);
        }
    }

    /// <summary>
    /// Writes the range again in 4 KiB-aligned pieces (optionally reading each back); returns the aligned blocks
    /// that still fail. <paramref name="fatal"/> is set when the member turned out gone or hung.
    /// </summary>
    private List<(long Offset, int Length)> WriteBlocks(Member member, long memberOffset, ReadOnlySpan<byte> source, bool verify, out IOException? fatal)
    {
        fatal = null;
        var failed = new List<(long, int)>();
        Span<byte> check = stackalloc byte[BlockBytes];
        long end = memberOffset + source.Length;
        for (long at = memberOffset; at < end;)
        {
            long blockStart = at / BlockBytes * BlockBytes;
            int n = (int)(Math.Min(blockStart + BlockBytes, end) - at);
            var piece = source.Slice((int)(at - memberOffset), n);
            var error = TryWrite(member, at, piece) ?? (verify ? TryRead(member, at, check[..n]) : null);
            if (error != null)
            {
                if (FailsAtOnce(error))
                {
                    fatal = error;
                    return failed;
                }

                failed.Add((blockStart, (int)(Math.Min(blockStart + BlockBytes, Geometry.ComponentBytes) - blockStart)));
            }

            at += n;
        }

        return failed;
    }

    /// <summary>
    /// Records failing blocks as bad. A plain I/O error on every block of the range is a dead device rather than
    /// a bad patch of medium, so it fails the member as before.
    /// </summary>
    private bool RecordBad(Member member, List<(long Offset, int Length)> failed, long memberOffset, int length, IOException cause, string why)
    {
        var (start, end) = AlignOut(memberOffset, length);
        if (cause is not MediumErrorException && failed.Sum(b => (long)b.Length) >= end - start)
        {
            _array.FailFromIo(member, cause);
            return false;
        }

        _array.RecordBadBlocks(member, failed, $"{why}: {cause.Message}", needsRedundancy: true);
        return false;
    }
}
