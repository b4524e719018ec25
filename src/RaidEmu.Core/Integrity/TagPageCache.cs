using Microsoft.Win32.SafeHandles;

namespace RaidEmu.Core.Integrity;

/// <summary>
/// A fixed number of the sidecar's tag pages (4 KiB: 512 XXH3 tags, 2 MiB of member data) kept in memory, so
/// a member I/O reads its tags without a system call of its own. Writes go through to the sidecar at once, in
/// the order the caller gives, so the sidecar holds what it held without the cache. Memory is
/// <see cref="Pages"/> × 4 KiB whatever the member's size. The caller serialises the tags of any one block
/// (the device's range lock); the cache's own lock only keeps the slots whole.
/// </summary>
internal sealed class TagPageCache
{
    /// <summary>Bytes of one cached page of tags.</summary>
    public const int PageBytes = 4096;

    /// <summary>Pages held: 64 KiB per member; a sequential pass needs one, the rest serve concurrent and nearby I/O.</summary>
    public const int Pages = 16;

    private readonly SafeFileHandle _sidecar;
    private readonly string _path;
    private readonly long _tagsOffset;
    private readonly long _tagsBytes;
    private readonly Lock _gate = new();
    private readonly byte[] _data = new byte[Pages * PageBytes];
    private readonly long[] _pageOf = new long[Pages];
    private readonly long[] _lastUse = new long[Pages];
    private long _clock;

    public TagPageCache(SafeFileHandle sidecar, string path, long tagsOffset, long tagsBytes)
    {
        _sidecar = sidecar;
        _path = path;
        _tagsOffset = tagsOffset;
        _tagsBytes = tagsBytes;
        Array.Fill(_pageOf, -1);
    }

    /// <summary>Copies the tags at tag-area byte <paramref name="position"/> into <paramref name="into"/>.</summary>
    public void Read(long position, Span<byte> into)
    {
        lock (_gate)
        {
            while (!into.IsEmpty)
            {
                var page = Page(position, into.Length, out int n);
                page[..n].CopyTo(into);
                into = into[n..];
                position += n;
            }
        }
    }

    /// <summary>Writes <paramref name="tags"/> at tag-area byte <paramref name="position"/>: to the sidecar, and to the pages held.</summary>
    public void Write(long position, ReadOnlySpan<byte> tags)
    {
        lock (_gate)
        {
            RandomAccess.Write(_sidecar, tags, _tagsOffset + position);
            while (!tags.IsEmpty)
            {
                long number = position / PageBytes;
                int inPage = (int)(position - (number * PageBytes));
                int n = Math.Min(tags.Length, PageBytes - inPage);
                int slot = Array.IndexOf(_pageOf, number);
                if (slot >= 0)
                {
                    tags[..n].CopyTo(_data.AsSpan((slot * PageBytes) + inPage));
                }

                tags = tags[n..];
                position += n;
            }
        }
    }

    /// <summary>Forgets every page (after tags were written around the cache).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            Array.Fill(_pageOf, -1);
        }
    }

    /// <summary>The held bytes from <paramref name="position"/> to the end of its page (at most <paramref name="wanted"/>: <paramref name="n"/>), loading the page on a miss.</summary>
    private Span<byte> Page(long position, int wanted, out int n)
    {
        long number = position / PageBytes;
        int inPage = (int)(position - (number * PageBytes));
        n = Math.Min(wanted, PageBytes - inPage);
        int slot = Array.IndexOf(_pageOf, number);
        if (slot < 0)
        {
            slot = Load(number);
        }

        _lastUse[slot] = ++_clock;
        return _data.AsSpan((slot * PageBytes) + inPage, PageBytes - inPage);
    }

    private int Load(long number)
    {
        int slot = 0;
        for (int i = 1; i < Pages; i++)
        {
            if (_lastUse[i] < _lastUse[slot])
            {
                slot = i;
            }
        }

        _pageOf[slot] = -1;
        var page = _data.AsSpan(slot * PageBytes, PageBytes);
        page.Clear();
        long start = number * PageBytes;
        var into = page[..(int)Math.Min(PageBytes, _tagsBytes - start)];
        long offset = _tagsOffset + start;
        while (!into.IsEmpty)
        {
            int read = RandomAccess.Read(_sidecar, into, offset);
            if (read == 0)
            {
                throw new IOException($"{_path}: tags end early at byte {offset}");
            }

            into = into[read..];
            offset += read;
        }

        _pageOf[slot] = number;
        return slot;
    }
}
