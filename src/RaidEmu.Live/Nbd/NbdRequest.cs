namespace RaidEmu.Live.Nbd;

/// <summary>
/// One request of a connection while it is in flight: its header fields and, for a read or a write, the
/// buffer its data moves through. Each connection reuses a few of these, so serving a request allocates
/// nothing; the thread pool runs it as a work item.
/// </summary>
internal sealed class NbdRequest(NbdTransmission connection) : IThreadPoolWorkItem
{
    /// <summary>The reply header of a request without a buffer.</summary>
    public byte[] Head { get; } = new byte[NbdBuffers.HeaderRoom];

    public byte[]? Buffer { get; set; }

    public ushort Type { get; private set; }

    public ushort Flags { get; private set; }

    public ulong Cookie { get; private set; }

    public ulong Offset { get; private set; }

    public uint Length { get; private set; }

    /// <summary>The cookies of the writes gathered into this one after the first (see <see cref="NbdMergeBuffers"/>).</summary>
    public ulong[] Gathered { get; } = new ulong[NbdTransmission.MaxGathered];

    /// <summary>How many of <see cref="Gathered"/> are in use; 0 for a request served alone.</summary>
    public int GatheredCount { get; private set; }

    /// <summary>True when <see cref="Buffer"/> came from <see cref="NbdMergeBuffers"/>: its data starts at 0, not after a header's room.</summary>
    public bool Merging { get; set; }

    public void Set(ushort type, ushort flags, ulong cookie, ulong offset, uint length)
    {
        Type = type;
        Flags = flags;
        Cookie = cookie;
        Offset = offset;
        Length = length;
        GatheredCount = 0;
        Merging = false;
    }

    /// <summary>A write that continues this one joins it: one more cookie to answer, <paramref name="length"/> more bytes.</summary>
    public void Gather(ulong cookie, uint length)
    {
        Gathered[GatheredCount++] = cookie;
        Length += length;
    }

    /// <summary>Serves the request on the thread pool; the connection takes it back when it is answered.</summary>
    public void Start() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => _ = connection.ServeAsync(this);
}
