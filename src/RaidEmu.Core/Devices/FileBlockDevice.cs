using Microsoft.Win32.SafeHandles;

namespace RaidEmu.Core.Devices;

/// <summary>
/// A device backed by a regular file, using <see cref="RandomAccess"/> on a <see cref="SafeFileHandle"/>
/// so that concurrent positional reads and writes never share a seek position.
/// </summary>
public sealed class FileBlockDevice : IBlockDevice
{
    private const int WriteBehindBytes = 8 << 20;

    /// <summary>
    /// The most one host write covers: a write is cut at every multiple of this offset. Linux sizes the page
    /// cache's folios for a file by the length of the write that brings its pages in, and every later small write
    /// into a folio walks all of the folio's blocks (ext4_block_write_begin). Members written in whole 512 KiB
    /// chunks took 4 KiB random writes at 0.45 the rate of members written in 64 KiB pieces (69 against 151 k
    /// writes per second into one 1.6 GB file), while a sequential overwrite costs little more (0.40 against
    /// 0.37 s of system CPU for 1.6 GB) and a read the same (README, Benchmarks).
    /// </summary>
    internal const int HostWriteBytes = 64 * 1024;

    private readonly SafeFileHandle _handle;
    private readonly Lock _runGate = new();

    // The sequential run of writes whose write-out has not been started yet: [_runStart, _runEnd).
    private long _runStart = -1;
    private long _runEnd = -1;

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

    /// <summary>
    /// Creates a new zero-filled file of <paramref name="length"/> bytes. Unless <paramref name="sparse"/>, the
    /// host file system sets every byte aside now (fallocate), so a full host disk shows up here rather than
    /// as a failed write later; when it cannot, the file is not left behind.
    /// </summary>
    /// <exception cref="HostFullException">The host file system has not got the room.</exception>
    public static FileBlockDevice Create(string path, long length, int sectorSize = 512, bool sparse = false)
    {
        CheckSectorSize(sectorSize);
        if (length <= 0 || length % sectorSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"must be a positive multiple of {sectorSize}");
        }

        SafeFileHandle handle;
        try
        {
            // .NET preallocates with fallocate and deletes the file again when the room is not there.
            handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, FileOptions.None, sparse ? 0 : length);
        }
        catch (IOException ex) when (!sparse && ex.GetType() == typeof(IOException) && !File.Exists(path))
        {
            throw new HostFullException($"{HostFile.Describe(path)} has no room for {path} ({length} bytes): {ex.Message}", ex);
        }

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
        try
        {
            for (int done = 0; done < source.Length;)
            {
                long at = offset + done;
                int piece = (int)Math.Min(source.Length - done, HostWriteBytes - (at % HostWriteBytes));
                RandomAccess.Write(_handle, source.Slice(done, piece), at);
                done += piece;
            }
        }
        catch (IOException ex) when (HostFile.IsOutOfSpace(ex))
        {
            throw OutOfSpace(ex);
        }

        NoteRun(offset, source.Length);
    }

    /// <summary>
    /// Starts the host's write-out of a run of sequential writes once it reaches <see cref="WriteBehindBytes"/>,
    /// without waiting for it. The host otherwise writes nothing back until its dirty memory passes a share of
    /// RAM, so a whole `write` or rebuild waits at its final flush for the disk to take every byte; started
    /// early, the disk works while the copy goes on. Writes that do not continue the run (random writes)
    /// start nothing: many small write-outs would cost the disk more than it saves.
    /// </summary>
    private void NoteRun(long offset, int length)
    {
        long from, to;
        lock (_runGate)
        {
            if (offset != _runEnd)
            {
                _runStart = offset;
            }

            _runEnd = offset + length;
            if (_runEnd - _runStart < WriteBehindBytes)
            {
                return;
            }

            (from, to) = (_runStart, _runEnd);
            _runStart = _runEnd;
        }

        WriteBehind.Start(_handle, from, to - from);
    }

    /// <summary>
    /// Flushes to stable storage, then checks the file still has a name: a member file deleted while in use
    /// keeps taking writes that no later assembly can find, so it counts as a failed disk from here on.
    /// </summary>
    /// <exception cref="IOException">The flush failed, or the file has been deleted.</exception>
    public void Flush()
    {
        try
        {
            RandomAccess.FlushToDisk(_handle);
        }
        catch (IOException ex) when (HostFile.IsOutOfSpace(ex))
        {
            throw OutOfSpace(ex);
        }

        if (HostFile.Stat(_handle).Links == 0)
        {
            throw new IOException($"{Path} was deleted while in use");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private HostFullException OutOfSpace(IOException ex) =>
        new($"{HostFile.Describe(Path)} is full: {ex.Message}; free space there and retry (no member was failed)", ex);

    private static void CheckSectorSize(int sectorSize)
    {
        if (sectorSize is not (512 or 4096))
        {
            throw new ArgumentOutOfRangeException(nameof(sectorSize), sectorSize, "sector size must be 512 or 4096");
        }
    }
}
