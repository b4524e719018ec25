using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Tests.Md.Robustness;

/// <summary>
/// A member that reads slowly and, once closed, throws ObjectDisposedException as a FileBlockDevice does after its
/// handle is disposed (RaidArray.Abandon closes members while requests still run). Closing does not close the inner
/// device, so a test can close a member before or during a read and still inspect the rest.
/// </summary>
internal sealed class ClosableDevice(IBlockDevice inner) : IBlockDevice
{
    private volatile bool _closed;

    public TimeSpan ReadDelay { get; set; }

    public long Length => inner.Length;

    public int SectorSize => inner.SectorSize;

    public void Read(long offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        Thread.Sleep(ReadDelay);
        ObjectDisposedException.ThrowIf(_closed, this);
        inner.Read(offset, destination);
    }

    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        inner.Write(offset, source);
    }

    public void Flush() => ObjectDisposedException.ThrowIf(_closed, this);

    public void Dispose() => _closed = true;
}
