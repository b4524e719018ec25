using System.Buffers;
using Microsoft.Win32.SafeHandles;
using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Integrity;

/// <summary>
/// A member device that keeps a checksum for every 4 KiB block of its data area in a sidecar file, as
/// dm-integrity does under md. Reads are verified block by block (a partial read verifies the blocks it
/// touches) and a mismatch throws <see cref="ChecksumMismatchException"/> instead of returning the bytes;
/// writes put the data first and the tag after it, with a journal record before both (see
/// <see cref="IntegrityJournal"/>). Bytes outside the data area (superblock, bitmap) pass through. Tags are
/// read through a fixed number of cached tag pages (<see cref="TagPageCache"/>), so memory does not grow with the member.
/// </summary>
public sealed class IntegrityDevice : IBlockDevice
{
    private const int BlockBytes = BlockTags.BlockBytes;

    // One I/O is handled in segments of at most this many blocks: bounded buffers and journal records.
    private const int SegmentBlocks = 256;

    private readonly IBlockDevice _inner;
    private readonly SafeFileHandle _sidecar;
    private readonly IntegrityJournal _journal;
    private readonly TagPageCache _tags;
    private readonly BlockRangeLock _ranges = new();
    private readonly ReaderWriterLockSlim _flushGate = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _headerGate = new();
    private IntegrityHeader _header;
    private long _failedBlocks;
    private long _failedBlocksSaved;

    private IntegrityDevice(IBlockDevice inner, SafeFileHandle sidecar, string sidecarPath, IntegrityHeader header)
    {
        _inner = inner;
        _sidecar = sidecar;
        SidecarPath = sidecarPath;
        _header = header;
        _failedBlocks = header.FailedBlocks;
        _failedBlocksSaved = header.FailedBlocks;
        _journal = new IntegrityJournal(header.JournalBytes);
        _tags = new TagPageCache(sidecar, sidecarPath, header.TagsOffset, header.Blocks * header.TagBytes);
    }

    /// <summary>The sidecar file.</summary>
    public string SidecarPath { get; }

    /// <summary>The checksum kept.</summary>
    public IntegrityAlgorithm Algorithm => _header.Algorithm;

    /// <summary>The member the tags belong to.</summary>
    public Guid MemberUuid => _header.MemberUuid;

    /// <summary>First device byte covered by tags.</summary>
    public long DataOffset => _header.DataOffset;

    /// <summary>Blocks covered by tags.</summary>
    public long Blocks => _header.Blocks;

    /// <summary>Blocks whose read failed their checksum over the member's life (the sidecar keeps the count at each flush).</summary>
    public long FailedBlocks => Interlocked.Read(ref _failedBlocks);

    /// <summary>Blocks whose tag the open set from the journal after an unclean stop (old or new bytes), or re-tagged when torn.</summary>
    public int ReplayedBlocks { get; private set; }

    /// <summary>Of <see cref="ReplayedBlocks"/>, the blocks whose bytes matched neither tag (the write torn by a cut) and were re-tagged from their data.</summary>
    public int RetaggedTornBlocks { get; private set; }

    /// <inheritdoc />
    public long Length => _inner.Length;

    /// <inheritdoc />
    public int SectorSize => _inner.SectorSize;

    private long DataEnd => _header.DataOffset + (_header.Blocks * BlockBytes);

    private int TagBytes => _header.TagBytes;

    /// <summary>
    /// Creates the sidecar for <paramref name="inner"/>, covering whole blocks from <paramref name="dataOffset"/>
    /// to the device's end. Unless <paramref name="tagFromData"/>, the data area is taken to be zero (a new member
    /// file), so every tag is the tag of a zero block; else each block's tag is computed from what it holds.
    /// </summary>
    public static IntegrityDevice Create(IBlockDevice inner, string sidecarPath, IntegrityAlgorithm algorithm, long dataOffset, Guid memberUuid, bool tagFromData = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var header = new IntegrityHeader
        {
            Algorithm = algorithm,
            MemberUuid = memberUuid,
            DataOffset = dataOffset,
            Blocks = Math.Max(0, (inner.Length - dataOffset) / BlockBytes),
        };
        var handle = File.OpenHandle(sidecarPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite);
        try
        {
            RandomAccess.SetLength(handle, header.FileBytes);
            var device = new IntegrityDevice(inner, handle, sidecarPath, header);
            device.WriteInitialTags(tagFromData);
            device.WriteHeader(header);
            RandomAccess.FlushToDisk(handle);
            return device;
        }
        catch
        {
            handle.Dispose();
            File.Delete(sidecarPath);
            throw;
        }
    }

    /// <summary>
    /// Opens the sidecar of <paramref name="inner"/> and checks that it is whole, uses <paramref name="expected"/>,
    /// fits the device and (when known) belongs to member <paramref name="memberUuid"/>. Journal records of the
    /// last generation are settled first (see <see cref="IntegrityJournal"/>).
    /// </summary>
    /// <exception cref="IntegrityFileException">The sidecar is missing, damaged or another member's.</exception>
    public static IntegrityDevice Open(IBlockDevice inner, string sidecarPath, IntegrityAlgorithm expected, Guid? memberUuid, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!File.Exists(sidecarPath))
        {
            throw new IntegrityFileException($"{sidecarPath} is missing: the array keeps {BlockTags.Name(expected)} checksums and this member has none. {IntegrityHeader.WhatToDo(sidecarPath)}");
        }

        var handle = File.OpenHandle(sidecarPath, FileMode.Open, readOnly ? FileAccess.Read : FileAccess.ReadWrite, FileShare.ReadWrite);
        try
        {
            var block = new byte[IntegrityHeader.Bytes];
            int read = RandomAccess.Read(handle, block, 0);
            var header = IntegrityHeader.Decode(block.AsSpan(0, read), sidecarPath);
            if (header.Algorithm != expected)
            {
                throw IntegrityHeader.Damaged(sidecarPath, $"it holds {BlockTags.Name(header.Algorithm)} tags but the array uses {BlockTags.Name(expected)}");
            }

            if (memberUuid is { } uuid && header.MemberUuid != uuid)
            {
                throw IntegrityHeader.Damaged(sidecarPath, $"it belongs to member {header.MemberUuid}, not to this member ({uuid})");
            }

            if (header.DataOffset + (header.Blocks * BlockBytes) > inner.Length || RandomAccess.GetLength(handle) < header.FileBytes)
            {
                throw IntegrityHeader.Damaged(sidecarPath, "it covers more blocks than the member has, or its tags are cut short");
            }

            var device = new IntegrityDevice(inner, handle, sidecarPath, header);
            if (!readOnly)
            {
                device.Replay();
            }

            return device;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Gives the tags to <paramref name="memberUuid"/> (a new member's UUID is chosen after its device exists).</summary>
    public void Bind(Guid memberUuid)
    {
        SaveHeader(_header with { MemberUuid = memberUuid });

        RandomAccess.FlushToDisk(_sidecar);
    }

    /// <summary>Device offsets of the blocks in [offset, offset+length) whose bytes fail their checksum; nothing is thrown.</summary>
    public IReadOnlyList<long> FindFailingBlocks(long offset, long length)
    {
        List<long>? bad = null;
        long start = Math.Max(offset, _header.DataOffset);
        long end = Math.Min(offset + length, DataEnd);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(SegmentBlocks * BlockBytes);
        try
        {
            for (long at = AlignDown(start); at < end; at += SegmentBlocks * BlockBytes)
            {
                int bytes = (int)Math.Min(SegmentBlocks * BlockBytes, AlignUp(end) - at);
                long first = BlockOf(at);
                using (_ranges.Enter(first, first + (bytes / BlockBytes) - 1))
                {
                    _inner.Read(at, buffer.AsSpan(0, bytes));
                    Verify(first, buffer.AsSpan(0, bytes), ref bad);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return bad ?? [];
    }

    /// <inheritdoc />
    public void Read(long offset, Span<byte> destination)
    {
        BlockDeviceGuard.CheckRange(offset, destination.Length, Length);
        var (before, covered, after) = Split(offset, destination.Length);
        if (before > 0)
        {
            _inner.Read(offset, destination[..before]);
        }

        List<long>? bad = null;
        long at = offset + before;
        var rest = destination.Slice(before, covered);
        while (!rest.IsEmpty)
        {
            int n = SegmentLength(at, rest.Length);
            ReadSegment(at, rest[..n], ref bad);
            at += n;
            rest = rest[n..];
        }

        if (after > 0)
        {
            _inner.Read(offset + before + covered, destination[(before + covered)..]);
        }

        if (bad != null)
        {
            Interlocked.Add(ref _failedBlocks, bad.Count);
            throw new ChecksumMismatchException(
                $"{bad.Count} block(s) of {BlockBytes} bytes from device byte {bad[0]} fail their {BlockTags.Name(Algorithm)} checksum ({SidecarPath})", bad, BlockBytes);
        }
    }

    /// <inheritdoc />
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        BlockDeviceGuard.CheckRange(offset, source.Length, Length);
        var (before, covered, after) = Split(offset, source.Length);
        if (before > 0)
        {
            _inner.Write(offset, source[..before]);
        }

        long at = offset + before;
        var rest = source.Slice(before, covered);
        while (!rest.IsEmpty)
        {
            int n = SegmentLength(at, rest.Length);
            WriteSegment(at, rest[..n]);
            at += n;
            rest = rest[n..];
        }

        if (after > 0)
        {
            _inner.Write(offset + before + covered, source[(before + covered)..]);
        }
    }

    /// <summary>
    /// Makes data, then tags durable; the journal's records are then spent, so a new generation starts. Waits for
    /// writes in progress, since a record must not be spent before its data is durable.
    /// </summary>
    public void Flush()
    {
        _flushGate.EnterWriteLock();
        try
        {
            _inner.Flush();
            RandomAccess.FlushToDisk(_sidecar);
            if (_journal.Used > 0 || FailedBlocks != _failedBlocksSaved)
            {
                SaveHeader(_header with { Generation = _header.Generation + 1 });
                _journal.Reset();
            }
        }
        finally
        {
            _flushGate.ExitWriteLock();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (FailedBlocks != _failedBlocksSaved && !_sidecar.IsClosed)
        {
            // Best effort: the count is not worth failing a stop over.
            try
            {
                SaveHeader(_header);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        _inner.Dispose();
        _sidecar.Dispose();
        _flushGate.Dispose();
    }

    private void ReadSegment(long at, Span<byte> destination, ref List<long>? bad)
    {
        long start = AlignDown(at);
        long end = AlignUp(at + destination.Length);
        long first = BlockOf(start);
        using var held = _ranges.Enter(first, BlockOf(end) - 1);
        if (start == at && end == at + destination.Length)
        {
            _inner.Read(at, destination);
            Verify(first, destination, ref bad);
        }
        else
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent((int)(end - start));
            try
            {
                var blocks = buffer.AsSpan(0, (int)(end - start));
                _inner.Read(start, blocks);
                Verify(first, blocks, ref bad);
                blocks.Slice((int)(at - start), destination.Length).CopyTo(destination);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private void WriteSegment(long at, ReadOnlySpan<byte> source)
    {
        long first = BlockOf(AlignDown(at));
        int count = (int)(BlockOf(AlignUp(at + source.Length)) - first);
        int tagsLength = count * TagBytes;
        int recordBytes = IntegrityJournal.RecordBytes(count, TagBytes);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(recordBytes + BlockBytes);
        try
        {
            var record = scratch.AsSpan(0, recordBytes);
            var tags = record.Slice(IntegrityJournal.RecordHeaderBytes, 2 * tagsLength);
            while (true)
            {
                _flushGate.EnterReadLock();
                try
                {
                    using var held = _ranges.Enter(first, first + count - 1);
                    ReadTags(first, tags[..tagsLength]);
                    NewTags(at, source, first, count, tags, scratch.AsSpan(recordBytes, BlockBytes));
                    if (_journal.TryReserve(recordBytes, out long position))
                    {
                        IntegrityJournal.Encode(record, _header.Generation, first, count, tags.Length);
                        RandomAccess.Write(_sidecar, record, IntegrityHeader.JournalOffset + position);
                        _inner.Write(at, source);
                        _tags.Write(first * TagBytes, tags[tagsLength..]);
                        return;
                    }
                }
                finally
                {
                    _flushGate.ExitReadLock();
                }

                // The ring is full of records whose writes are not yet durable: flush them, then retry.
                Flush();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Fills the second half of <paramref name="tags"/> (old tags first) with each block's tag after the write.
    /// A block the write covers only in part is merged with its old bytes; when those fail their checksum the
    /// old tag is kept, so the block stays flagged until it is rebuilt whole, rather than blessing rotten bytes.
    /// </summary>
    private void NewTags(long at, ReadOnlySpan<byte> source, long first, int count, Span<byte> tags, Span<byte> block)
    {
        int tagBytes = TagBytes;
        for (int i = 0; i < count; i++)
        {
            long blockStart = BlockStart(first + i);
            long from = Math.Max(blockStart, at);
            long to = Math.Min(blockStart + BlockBytes, at + source.Length);
            var part = source.Slice((int)(from - at), (int)(to - from));
            ulong old = BlockTags.Get(tags, i, tagBytes);
            ulong tag;
            if (part.Length == BlockBytes)
            {
                tag = BlockTags.Compute(Algorithm, part);
            }
            else
            {
                _inner.Read(blockStart, block);
                if (Tag(block) == old)
                {
                    part.CopyTo(block[(int)(from - blockStart)..]);
                    tag = BlockTags.Compute(Algorithm, block);
                }
                else
                {
                    tag = old;
                }
            }

            BlockTags.Set(tags[(count * tagBytes)..], i, tagBytes, tag);
        }
    }

    /// <summary>Adds the failing blocks to <paramref name="bad"/>, made only when one fails (a clean read allocates nothing).</summary>
    private void Verify(long first, ReadOnlySpan<byte> blocks, ref List<long>? bad)
    {
        int count = blocks.Length / BlockBytes;
        int tagsLength = count * TagBytes;
        Span<byte> stack = stackalloc byte[SegmentBlocks * 8];
        var tags = stack[..tagsLength];
        ReadTags(first, tags);
        for (int i = 0; i < count; i++)
        {
            if (Tag(blocks.Slice(i * BlockBytes, BlockBytes)) != BlockTags.Get(tags, i, TagBytes))
            {
                (bad ??= []).Add(BlockStart(first + i));
            }
        }
    }

    /// <summary>Settles the journal's current records after an unclean stop, then starts a new generation.</summary>
    private void Replay()
    {
        var records = IntegrityJournal.Read(_sidecar, _header);
        if (records.Count == 0)
        {
            return;
        }

        var block = new byte[BlockBytes];
        var tag = new byte[8];
        int tagBytes = TagBytes;
        foreach (var (firstBlock, blocks, tags) in records)
        {
            if (firstBlock < 0 || firstBlock + blocks > _header.Blocks)
            {
                continue;
            }

            for (int i = 0; i < blocks; i++)
            {
                _inner.Read(BlockStart(firstBlock + i), block);
                ulong actual = Tag(block);
                ulong old = BlockTags.Get(tags, i, tagBytes);
                ulong written = BlockTags.Get(tags, blocks + i, tagBytes);
                if (actual != written && actual != old)
                {
                    // A block that failed its checksum before the write (old tag kept) stays flagged.
                    if (old == written)
                    {
                        continue;
                    }

                    RetaggedTornBlocks++;
                }

                BlockTags.Set(tag, 0, tagBytes, actual);
                _tags.Write((firstBlock + i) * tagBytes, tag.AsSpan(0, tagBytes));
                ReplayedBlocks++;
            }
        }

        RandomAccess.FlushToDisk(_sidecar);
        WriteHeader(_header with { Generation = _header.Generation + 1 });
        RandomAccess.FlushToDisk(_sidecar);
    }

    private void WriteInitialTags(bool fromData)
    {
        int tagBytes = TagBytes;
        byte[] tags = new byte[SegmentBlocks * tagBytes];
        byte[] data = new byte[SegmentBlocks * BlockBytes];
        ulong zero = Tag(new byte[BlockBytes]);
        for (long first = 0; first < _header.Blocks; first += SegmentBlocks)
        {
            int count = (int)Math.Min(SegmentBlocks, _header.Blocks - first);
            if (fromData)
            {
                _inner.Read(BlockStart(first), data.AsSpan(0, count * BlockBytes));
            }

            for (int i = 0; i < count; i++)
            {
                BlockTags.Set(tags, i, tagBytes, fromData ? Tag(data.AsSpan(i * BlockBytes, BlockBytes)) : zero);
            }

            _tags.Write(first * tagBytes, tags.AsSpan(0, count * tagBytes));
        }
    }

    /// <summary>Writes <paramref name="header"/> with the current failure count.</summary>
    private void SaveHeader(IntegrityHeader header)
    {
        lock (_headerGate)
        {
            long failed = FailedBlocks;
            WriteHeader(header with { FailedBlocks = failed });
            _failedBlocksSaved = failed;
        }
    }

    private void WriteHeader(IntegrityHeader header)
    {
        var block = new byte[IntegrityHeader.Bytes];
        header.Encode(block);
        RandomAccess.Write(_sidecar, block, 0);
        _header = header;
    }

    private void ReadTags(long first, Span<byte> into) => _tags.Read(first * TagBytes, into);

    private ulong Tag(ReadOnlySpan<byte> block) => BlockTags.Compute(_header.Algorithm, block);

    private long BlockOf(long deviceOffset) => (deviceOffset - _header.DataOffset) / BlockBytes;

    private long BlockStart(long block) => _header.DataOffset + (block * BlockBytes);

    private long AlignDown(long deviceOffset) => BlockStart(BlockOf(deviceOffset));

    private long AlignUp(long deviceOffset) => AlignDown(deviceOffset + BlockBytes - 1);

    /// <summary>Bytes of the request before the data area, inside it, and after it.</summary>
    private (int Before, int Covered, int After) Split(long offset, int length)
    {
        long end = offset + length;
        long start = Math.Clamp(offset, _header.DataOffset, DataEnd);
        long stop = Math.Clamp(end, start, DataEnd);
        int before = (int)Math.Max(0, Math.Min(end, _header.DataOffset) - offset);
        int covered = (int)(stop - start);
        return (before, covered, length - before - covered);
    }

    /// <summary>Bytes from <paramref name="at"/> up to the end of its segment of whole blocks.</summary>
    private int SegmentLength(long at, int remaining)
    {
        long segmentEnd = AlignDown(at) + ((long)SegmentBlocks * BlockBytes);
        return (int)Math.Min(remaining, segmentEnd - at);
    }
}
