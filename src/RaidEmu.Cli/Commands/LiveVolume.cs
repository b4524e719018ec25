using RaidEmu.Core.Md;
using RaidEmu.Live;

namespace RaidEmu.Cli.Commands;

/// <summary>
/// What the front ends serve: the live array while it runs, and I/O errors while it is down (after a
/// power loss, until it starts again). The array behind it can be replaced when it restarts.
/// </summary>
internal sealed class LiveVolume(RaidArray array) : IPowerCycledDevice
{
    private volatile RaidArray? _current = array;
    private volatile string _downReason = "";

    public RaidArray? Current => _current;

    public string DownReason => _downReason;

    public long Length { get; } = array.Length;

    public int SectorSize { get; } = array.SectorSize;

    public void Up(RaidArray array) => _current = array;

    public int PowerCycle { get; private set; }

    public void Down(string reason)
    {
        _downReason = reason;
        _current = null;
    }

    /// <summary>Power is lost: the array goes down and every client session opened until now is over.</summary>
    public void PowerLost(string reason)
    {
        PowerCycle++;
        Down(reason);
    }

    public void Read(long offset, Span<byte> destination) => Array.Read(offset, destination);

    public void Write(long offset, ReadOnlySpan<byte> source) => Array.Write(offset, source);

    public void Flush() => Array.Flush();

    public void Dispose()
    {
    }

    private RaidArray Array => _current ?? throw new IOException($"the array is down: {_downReason}");
}
