using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Tests.Md;

/// <summary>A device that remembers the offset of every write, in order, to check what reaches a member first.</summary>
internal sealed class RecordingDevice(IBlockDevice inner) : IBlockDevice
{
    public List<long> Writes { get; } = [];

    public long Length => inner.Length;

    public int SectorSize => inner.SectorSize;

    public void Read(long offset, Span<byte> destination) => inner.Read(offset, destination);

    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        lock (Writes)
        {
            Writes.Add(offset);
        }

        inner.Write(offset, source);
    }

    public void Flush() => inner.Flush();

    public void Dispose() => inner.Dispose();
}
