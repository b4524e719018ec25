using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Md;

/// <summary>
/// md's write-intent bitmap in memory (md-bitmap.c). Per chunk of member data area it keeps the on-disk bit,
/// the writes in flight, whether the chunk is NEEDED by a resync or recovery, and how many daemon sweeps it
/// has sat idle. The rules:
/// <list type="bullet">
/// <item>a write sets its chunks' bits, and the bitmap is on every member before the data is written;</item>
/// <item>a bit is cleared lazily, two sweeps after the last write to its chunk ended, and never while the
/// array is degraded (the bit then says what a returning member missed);</item>
/// <item><c>events_cleared</c> follows the event count only while the array is not degraded.</item>
/// </list>
/// </summary>
internal sealed class WriteIntentBitmap
{
    private readonly Lock _gate = new();
    private readonly byte[] _storage;
    private readonly int[] _inFlight;
    private readonly bool[] _needed;
    private readonly byte[] _idleSweeps;

    private WriteIntentBitmap(BitmapSuperblock header, int offsetSectors, byte[] storage)
    {
        Header = header;
        OffsetSectors = offsetSectors;
        _storage = storage;
        long chunks = header.Chunks;
        _inFlight = new int[chunks];
        _needed = new bool[chunks];
        _idleSweeps = new byte[chunks];
    }

    /// <summary>The header, as it will be written next.</summary>
    public BitmapSuperblock Header { get; }

    /// <summary>md's bitmap_offset: sectors from the superblock to the header.</summary>
    public int OffsetSectors { get; }

    /// <summary>Byte offset of the header on each member.</summary>
    public long ByteOffset => Superblock.ByteOffset + (OffsetSectors * 512L);

    /// <summary>Bytes of member data area per bit.</summary>
    public long ChunkBytes => Header.ChunkBytes;

    /// <summary>Number of chunks.</summary>
    public long Chunks => Header.Chunks;

    /// <summary>Bits set in the bitmap (as on disk after the next write).</summary>
    public long DirtyChunks
    {
        get
        {
            lock (_gate)
            {
                long dirty = 0;
                for (long c = 0; c < Chunks; c++)
                {
                    dirty += BitmapSuperblock.GetBit(Bits, c) ? 1 : 0;
                }

                return dirty;
            }
        }
    }

    private Span<byte> Bits => _storage.AsSpan(BitmapSuperblock.HeaderBytes);

    /// <summary>A new bitmap as mdadm creates it: every bit set, so nothing is trusted until md clears it.</summary>
    public static WriteIntentBitmap Create(Guid uuid, long componentBytes, long chunkBytes, int daemonSleepSeconds, long roomBytes)
    {
        var header = new BitmapSuperblock
        {
            Uuid = uuid,
            SyncSectors = (ulong)(componentBytes / 512),
            ChunkBytes = (uint)chunkBytes,
            DaemonSleepSeconds = (uint)daemonSleepSeconds,
            SectorsReserved = (uint)(roomBytes / 512),
        };
        if (header.StorageBytes > roomBytes)
        {
            throw new ArgumentException($"a bitmap chunk of {chunkBytes} bytes needs {header.StorageBytes} bytes of bitmap, more than the {roomBytes} reserved; use a chunk of at least {BitmapSuperblock.MinChunkBytes(componentBytes, roomBytes)}");
        }

        var storage = new byte[header.StorageBytes];
        storage.AsSpan(BitmapSuperblock.HeaderBytes).Fill(0xff);
        return new WriteIntentBitmap(header, BitmapSuperblock.DefaultOffsetSectors, storage);
    }

    /// <summary>
    /// Loads the bitmap a superblock announces. A bitmap older than the superblock (events behind) cannot be
    /// trusted: md then sets every bit, which makes the next resync or recovery a full one.
    /// </summary>
    public static WriteIntentBitmap Load(Devices.IBlockDevice device, Superblock super, string source, out bool stale)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(super);
        long offset = Superblock.ByteOffset + (super.BitmapOffset * 512L);
        var head = new byte[BitmapSuperblock.HeaderBytes];
        if (offset < 0 || offset + head.Length > device.Length)
        {
            throw new MetadataException($"{source}: bitmap offset {super.BitmapOffset} sectors lies outside the member");
        }

        device.Read(offset, head);
        var header = BitmapSuperblock.Parse(head, source);
        if (header.Uuid != super.SetUuid)
        {
            throw new MetadataException($"{source}: the bitmap belongs to array {header.Uuid}, not {super.SetUuid}");
        }

        var storage = new byte[header.StorageBytes];
        device.Read(offset, storage);
        var bitmap = new WriteIntentBitmap(header, super.BitmapOffset, storage);
        stale = header.Events < super.Events || (header.State & BitmapSuperblock.StateStale) != 0;
        if (stale)
        {
            bitmap.Bits.Fill(0xff);
            header.State &= ~BitmapSuperblock.StateStale;
        }

        return bitmap;
    }

    /// <summary>
    /// The member bytes a logical write touches: for RAID 5 the rows of its stripes (parity sits at the same
    /// member offsets as the data), narrowed to the one chunk column when the write stays inside one chunk.
    /// </summary>
    public static (long Start, long End) MemberRange(ArrayGeometry geometry, long offset, long length)
    {
        if (geometry.Level == RaidLevel.Raid1)
        {
            return (offset, offset + length);
        }

        long chunk = geometry.ChunkBytes;
        long row = chunk * (geometry.RaidDisks - 1);
        long first = offset / row;
        long last = (offset + length - 1) / row;
        if (first == last && offset / chunk == (offset + length - 1) / chunk)
        {
            long start = (first * chunk) + (offset % chunk);
            return (start, start + length);
        }

        return (first * chunk, (last + 1) * chunk);
    }

    /// <summary>
    /// Counts a write in to its chunks and sets their bits. Returns true when a bit went from clear to set:
    /// the caller must then write the bitmap to every member (<see cref="Serialize"/>) before the data.
    /// Call under <see cref="WriteGate"/> so no other write passes a bit that is set but not yet on disk.
    /// </summary>
    public bool StartWrite(long start, long end)
    {
        bool newlySet = false;
        for (long c = start / ChunkBytes; c <= (end - 1) / ChunkBytes && c < Chunks; c++)
        {
            _inFlight[c]++;
            _idleSweeps[c] = 0;
            if (!BitmapSuperblock.GetBit(Bits, c))
            {
                BitmapSuperblock.SetBit(Bits, c, true);
                newlySet = true;
            }
        }

        return newlySet;
    }

    /// <summary>
    /// Held across setting bits and writing them to the members, so a second writer that finds its bit set
    /// knows it is on disk too.
    /// </summary>
    public Lock WriteGate => _gate;

    /// <summary>Counts a write out. While degraded the chunk stays NEEDED; otherwise events_cleared catches up.</summary>
    public void EndWrite(long start, long end, bool degraded, ulong events)
    {
        lock (_gate)
        {
            for (long c = start / ChunkBytes; c <= (end - 1) / ChunkBytes && c < Chunks; c++)
            {
                _inFlight[c]--;
                _needed[c] |= degraded;
            }

            if (!degraded)
            {
                Header.EventsCleared = events;
            }
        }
    }

    /// <summary>
    /// One daemon sweep: a set bit whose chunk has no write in flight and is not NEEDED is cleared on its
    /// second idle sweep. Nothing is cleared while degraded. Returns true when a bit was cleared.
    /// </summary>
    public bool Sweep(bool degraded)
    {
        lock (_gate)
        {
            if (degraded)
            {
                return false;
            }

            bool cleared = false;
            for (long c = 0; c < Chunks; c++)
            {
                if (!BitmapSuperblock.GetBit(Bits, c) || _inFlight[c] != 0 || _needed[c])
                {
                    continue;
                }

                if (++_idleSweeps[c] >= 2)
                {
                    BitmapSuperblock.SetBit(Bits, c, false);
                    _idleSweeps[c] = 0;
                    cleared = true;
                }
            }

            return cleared;
        }
    }

    /// <summary>Clears every idle bit at once, as md's bitmap_flush does at an orderly stop; nothing while degraded.</summary>
    public bool FlushIdle(bool degraded)
    {
        bool cleared = false;
        for (int i = 0; i < 2; i++)
        {
            cleared |= Sweep(degraded);
        }

        return cleared;
    }

    /// <summary>
    /// Raises events_cleared to <paramref name="events"/>: after a full recovery the bits a former member missed
    /// may have been swept away, so a member older than this must be rebuilt in full, never re-added by bitmap.
    /// </summary>
    public void RaiseEventsCleared(ulong events)
    {
        lock (_gate)
        {
            Header.EventsCleared = Math.Max(Header.EventsCleared, events);
        }
    }

    /// <summary>Marks the chunks whose bits are set at or past <paramref name="from"/> NEEDED: they are resynced before their bits may clear.</summary>
    public void MarkNeeded(long from)
    {
        lock (_gate)
        {
            for (long c = Math.Max(0, from / ChunkBytes); c < Chunks; c++)
            {
                _needed[c] |= BitmapSuperblock.GetBit(Bits, c);
            }
        }
    }

    /// <summary>True when a chunk overlapping member bytes [start, end) has its bit set: a sync must cover it.</summary>
    public bool NeedsSync(long start, long end)
    {
        lock (_gate)
        {
            for (long c = start / ChunkBytes; c <= (end - 1) / ChunkBytes && c < Chunks; c++)
            {
                if (BitmapSuperblock.GetBit(Bits, c) || _needed[c])
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// A sync, which runs forward, has covered member bytes [start, end): a chunk whose end falls in that
    /// range is fully synced and no longer NEEDED (so the daemon may clear its bit).
    /// </summary>
    public void EndSync(long start, long end)
    {
        lock (_gate)
        {
            long total = (long)(Header.SyncSectors * 512);
            for (long c = start / ChunkBytes; c < Chunks; c++)
            {
                long chunkEnd = Math.Min((c + 1) * ChunkBytes, total);
                if (chunkEnd > end)
                {
                    break;
                }

                if (chunkEnd > start)
                {
                    _needed[c] = false;
                }
            }
        }
    }

    /// <summary>Header (with <paramref name="events"/>) and bits, ready to write at <see cref="ByteOffset"/>.</summary>
    public byte[] Serialize(ulong events)
    {
        lock (_gate)
        {
            Header.Events = events;
            Header.EventsCleared = Math.Min(Header.EventsCleared, events);
            Header.WriteTo(_storage);
            return (byte[])_storage.Clone();
        }
    }
}
