using RaidEmu.Core.Devices;
using RaidEmu.Core.Faults;

namespace RaidEmu.Core.Tests.Faults;

/// <summary>A member device under faults beside a byte-array model of what its media hold.</summary>
internal sealed class FaultDeviceRig : IDisposable
{
    public const int DataOffset = 64 * 1024;
    public const int Bytes = 1024 * 1024;

    public FaultDeviceRig(int disk = 2)
    {
        new Random(1).NextBytes(Media.Bytes);
        Model = Media.Bytes.ToArray();
        Device = new FaultInjectingDevice(Media, disk, DataOffset, Faults, Clock);
    }

    public MemoryBlockDevice Media { get; } = new(Bytes);

    public byte[] Model { get; }

    public FaultSet Faults { get; } = new();

    public InstantClock Clock { get; } = new();

    public FaultInjectingDevice Device { get; }

    /// <summary>Device byte of data-area sector <paramref name="sector"/>.</summary>
    public static long At(long sector) => DataOffset + (sector * 512);

    public Fault Add(FaultKind kind, long? first = null, long? count = null, int disk = 2) =>
        Faults.Add(new Fault { Disk = disk, Kind = kind, FirstSector = first, SectorCount = count, Seed = 7, Added = Clock.Time.GetUtcNow() });

    public byte[] Read(long offset, int length)
    {
        var buffer = new byte[length];
        Device.Read(offset, buffer);
        return buffer;
    }

    public byte[] Expected(long offset, int length) => Model.AsSpan((int)offset, length).ToArray();

    public void Write(long offset, byte[] data)
    {
        Device.Write(offset, data);
        data.CopyTo(Model.AsSpan((int)offset));
    }

    public static byte[] Pattern(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    public void Dispose() => Device.Dispose();
}
