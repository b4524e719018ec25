using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Md;

namespace RaidEmu.Cli.Commands;

/// <summary>write and read: stream files in and out of the logical volume in bounded memory.</summary>
internal static class VolumeCommands
{
    private const int BlockBytes = 1024 * 1024;

    public static int Write(WriteOptions o)
    {
        long offset = Sizes.ParseOptional(o.Offset, "--offset", 0);
        long? limit = o.Length == null ? null : Sizes.Parse(o.Length, "--length");
        using var input = InputSource.Open(o.Input, limit);
        using var handle = CommandContext.Current.Arrays.Open(o.Array, "write");
        long size = handle.Array.Length;
        CheckRange(offset, input.Length ?? 0, size, "input", $"{input.Name} ({input.Length} bytes)");
        long room = size - offset;
        long written = Copy(input.Stream, input.Length ?? room, "write", (position, block) => handle.Array.Write(offset + position, block.Span));
        handle.Array.Flush();

        // A pipe of unknown length that still has bytes once the volume is full ran past its end.
        if (input.Length == null && written == room && input.Stream.ReadByte() >= 0)
        {
            throw new IOException($"{input.Name} runs past the end of the array ({size} bytes): the first {written} bytes were written at offset {offset}, the rest was not");
        }

        CommandContext.Current.Out.WriteLine($"wrote {written} bytes at offset {offset}");
        return 0;
    }

    public static int Read(ReadOptions o)
    {
        long offset = Sizes.ParseOptional(o.Offset, "--offset", 0);
        using var handle = CommandContext.Current.Arrays.OpenToRead(o.Array);
        var array = handle.Array;
        long length = o.Length == null ? Math.Max(0, array.Length - offset) : Sizes.Parse(o.Length, "--length");
        CheckRange(offset, length, array.Length, "read", $"{length} bytes");
        using var output = new FileStream(CommandContext.Current.Path(o.Output), FileMode.Create, FileAccess.Write, FileShare.None, BlockBytes);
        long done = ReadOut(array, offset, length, output.Write);
        CommandContext.Current.Out.WriteLine($"read {done} bytes from offset {offset} into {o.Output}");
        return 0;
    }

    /// <summary>Streams [offset, offset+length) of the volume to <paramref name="consume"/> block by block, with progress.</summary>
    public static long ReadOut(IBlockDevice volume, long offset, long length, Action<ReadOnlySpan<byte>> consume)
    {
        var buffer = new byte[BlockBytes];
        long done = 0;
        ProgressView.Run("read", length, progress =>
        {
            while (done < length)
            {
                var block = buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - done));
                volume.Read(offset + done, block);
                consume(block);
                done += block.Length;
                progress?.Report(new SyncProgress(SyncKind.Check, done, length));
            }
        });
        return done;
    }

    /// <summary>Copies at most <paramref name="length"/> bytes of a stream block by block; memory stays at one block whatever the size.</summary>
    public static long Copy(Stream input, long length, string title, Action<long, ReadOnlyMemory<byte>> write)
    {
        var buffer = new byte[BlockBytes];
        long done = 0;
        ProgressView.Run(title, length, progress =>
        {
            int n;
            while (done < length && (n = ReadBlock(input, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - done)))) > 0)
            {
                write(done, buffer.AsMemory(0, n));
                done += n;
                progress?.Report(new SyncProgress(SyncKind.Check, done, length));
            }
        });
        return done;
    }

    // Whole blocks even from a pipe, which hands over a few KiB at a time: a RAID 5 write of a full stripe reads nothing.
    private static int ReadBlock(Stream input, Span<byte> block) => input.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);

    private static void CheckRange(long offset, long length, long size, string what, string described)
    {
        if (offset < 0 || offset > size)
        {
            throw new UsageException($"--offset {offset} is outside the array ({size} bytes)");
        }

        if (length < 0 || length > size - offset)
        {
            throw new UsageException($"{what} of {described} at offset {offset} runs past the end of the array ({size} bytes)");
        }
    }
}
