namespace RaidEmu.Core.Md.Raid5;

/// <summary>
/// Where one window of a stripe write lives in memory: the scratch column of each slot, and each data
/// chunk's window in the caller's buffer (only the written range of it is real).
/// </summary>
internal readonly unsafe struct SegmentBuffers
{
    private readonly byte* _scratch;
    private readonly int _segment;
    private readonly byte* _request;
    private readonly long _chunk;
    private readonly long _skew;

    public SegmentBuffers(byte* scratch, int segment, byte* request, int chunk, int lo, long rel)
    {
        _scratch = scratch;
        _segment = segment;
        _request = request;
        _chunk = chunk;
        _skew = lo - rel;
    }

    private SegmentBuffers(byte* scratch, int segment, byte* request, long chunk, long skew)
    {
        _scratch = scratch;
        _segment = segment;
        _request = request;
        _chunk = chunk;
        _skew = skew;
    }

    /// <summary>The same buffers for a window starting <paramref name="bytes"/> further into the chunk.</summary>
    public SegmentBuffers Skip(int bytes) => new(_scratch + bytes, _segment, _request, _chunk, _skew + bytes);

    /// <summary>Scratch for <paramref name="slot"/>'s column, starting at the window's first byte.</summary>
    public byte* Column(int slot) => _scratch + (slot * _segment);

    /// <summary>Data chunk <paramref name="k"/>'s new bytes, starting at the window's first byte.</summary>
    public byte* New(int k) => _request + (k * _chunk) + _skew;
}
