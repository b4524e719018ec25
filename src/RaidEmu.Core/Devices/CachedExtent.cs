namespace RaidEmu.Core.Devices;

/// <summary>A run of bytes a drive cache holds that the disk does not have yet.</summary>
internal sealed class CachedExtent(long offset, byte[] data, int length)
{
    /// <summary>Where the bytes go on the disk.</summary>
    public long Offset { get; } = offset;

    /// <summary>How many bytes of <see cref="Data"/> are held.</summary>
    public int Length { get; } = length;

    /// <summary>The bytes, in an array rented from the shared pool (possibly longer than <see cref="Length"/>).</summary>
    public byte[] Data { get; } = data;

    /// <summary>One past the last byte.</summary>
    public long End => Offset + Length;

    /// <summary>Being written to the disk outside the cache's lock: its bytes must not change meanwhile.</summary>
    public bool Destaging { get; set; }

    /// <summary>Reached the disk and left the cache.</summary>
    public bool Destaged { get; set; }

    /// <summary>The next younger extent waiting to be destaged.</summary>
    public CachedExtent? Younger { get; set; }

    /// <summary>The held bytes.</summary>
    public ReadOnlySpan<byte> Bytes => Data.AsSpan(0, Length);
}
