using RaidEmu.Core.Md;

namespace RaidEmu.Live.Hosting;

/// <summary>
/// What the front ends serve: the live array while it runs, and I/O errors while it is down (after a
/// power loss, until it starts again). The array behind it can be replaced when it restarts.
/// </summary>
public sealed class LiveVolume(RaidArray array) : IPowerCycledDevice
{
    private volatile RaidArray? _current = array;
    private volatile string _downReason = "";

    /// <summary>The running array; null while it is down.</summary>
    public RaidArray? Current => _current;

    /// <summary>Why the array is down, for the errors clients get.</summary>
    public string DownReason => _downReason;

    /// <inheritdoc/>
    public long Length { get; } = array.Length;

    /// <inheritdoc/>
    public int SectorSize { get; } = array.SectorSize;

    /// <summary>The data bytes of one RAID 5 stripe (0 for RAID 1): front ends cut and gather writes at its ends.</summary>
    public long StripeBytes { get; } = array.Geometry.FullStripeBytes;

    /// <summary>
    /// Raised after the bytes clients read may have changed other than through their own writes: the array
    /// went down or came back, or a command acted on it. A front end that caches the volume drops its cache.
    /// </summary>
    public event Action? Changed;

    /// <summary>Serves <paramref name="array"/> from now on (after a restart).</summary>
    public void Up(RaidArray array)
    {
        _current = array;
        Changed?.Invoke();
    }

    /// <summary>
    /// Raised before a command acts on the array: a front end that holds acknowledged writes back writes them now,
    /// so the command sees what clients wrote.
    /// </summary>
    public event Action? CommandStarting;

    /// <summary>A command is about to act on the array.</summary>
    public void BeforeCommand() => CommandStarting?.Invoke();

    /// <summary>Something other than a client (a command) may have changed the volume's bytes.</summary>
    public void ChangedBehindClients() => Changed?.Invoke();

    /// <inheritdoc/>
    public int PowerCycle { get; private set; }

    /// <summary>The array stopped; requests fail with <paramref name="reason"/>.</summary>
    public void Down(string reason)
    {
        _downReason = reason;
        _current = null;
        Changed?.Invoke();
    }

    /// <summary>Power is lost: the array goes down and every client session opened until now is over.</summary>
    public void PowerLost(string reason)
    {
        PowerCycle++;
        Down(reason);
    }

    /// <inheritdoc/>
    public void Read(long offset, Span<byte> destination) => Array.Read(offset, destination);

    /// <inheritdoc/>
    public void Write(long offset, ReadOnlySpan<byte> source) => Array.Write(offset, source);

    /// <inheritdoc/>
    public void Flush() => Array.Flush();

    /// <summary>Nothing to release: the host owns the array.</summary>
    public void Dispose()
    {
    }

    private RaidArray Array => _current ?? throw new IOException($"the array is down: {_downReason}");
}
