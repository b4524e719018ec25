using Microsoft.Win32.SafeHandles;

namespace RaidEmu.Core.Devices;

/// <summary>
/// A device backed by a regular file, using <see cref="RandomAccess"/> on a <see cref="SafeFileHandle"/>
/// so that concurrent positional reads and writes never share a seek position.
/// </summary>
public sealed class FileBlockDevice : IBlockDevice
{
    private readonly SafeFileHandle _handle;

    private FileBlockDevice(string path, SafeFileHandle handle, long length, int sectorSize)
    {
        Path = path;
        _handle = handle;
        Length = length;
        SectorSize = sectorSize;
    }

    /// <summary>The file behind the device.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public int SectorSize { get; }

    /// <summary>Creates a new zero-filled (sparse) file of <paramref name="length"/> bytes.</summary>
    public static FileBlockDevice Create(string path, long length, int sectorSize = 512)
    {
        CheckSectorSize(sectorSize);
        if (length <= 0 || length % sectorSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"must be a positive multiple of {sectorSize}");
        }

        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite);
        RandomAccess.SetLength(handle, length);
        return new FileBlockDevice(path, handle, length, sectorSize);
    }

    /// <summary>Opens an existing file; its current length is the device size.</summary>
    public static FileBlockDevice Open(string path, bool readOnly = false, int sectorSize = 512)
    {
        CheckSectorSize(sectorSize);
        var access = readOnly ? FileAccess.Read : FileAccess.ReadWrite;
        var handle = File.OpenHandle(path, FileMode.Open, access, FileShare.ReadWrite);
        return new FileBlockDevice(path, handle, RandomAccess.GetLength(handle), sectorSize);
    }

    /// <inheritdoc />
    public void Read(long offset, Span<byte> destination)
    {
        BlockDeviceGuard.CheckRange(offset, destination.Length, Length);
        while (!destination.IsEmpty)
        {
            int n = RandomAccess.Read(_handle, destination, offset);
            if (n == 0)
            {
                throw new IOException($"{Path}: unexpected end of file at byte {offset}");
            }

            destination = destination[n..];
            offset += n;
        }
    }

    /// <inheritdoc />
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        BlockDeviceGuard.CheckRange(offset, source.Length, Length);
        RandomAccess.Write(_handle, source, offset);
    }

    /// <inheritdoc />
    public void Flush() => RandomAccess.FlushToDisk(_handle);

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private static void CheckSectorSize(int sectorSize)
    {
        if (sectorSize is not (512 or 4096))
        {
            throw new ArgumentOutOfRangeException(nameof(sectorSize), sectorSize, "sector size must be 512 or 4096");
        }
    }
}
