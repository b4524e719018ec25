namespace RaidEmu.Core.Devices;

/// <summary>
/// A fixed-size device addressed by byte offset. Every call is positional, so one device can serve
/// many threads at once without a shared file position.
/// </summary>
public interface IBlockDevice : IDisposable
{
    /// <summary>Size of the device in bytes.</summary>
    long Length { get; }

    /// <summary>Logical sector size in bytes: 512 or 4096.</summary>
    int SectorSize { get; }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes at <paramref name="offset"/>.</summary>
    /// <exception cref="IOException">The device failed or the range is outside the device.</exception>
    void Read(long offset, Span<byte> destination);

    /// <summary>Writes all of <paramref name="source"/> at <paramref name="offset"/>.</summary>
    /// <exception cref="IOException">The device failed or the range is outside the device.</exception>
    void Write(long offset, ReadOnlySpan<byte> source);

    /// <summary>Makes every completed write durable.</summary>
    void Flush();
}
