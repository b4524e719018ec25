using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Md;

namespace RaidEmu.Cli.Commands;

/// <summary>write and read: stream files in and out of the logical volume in bounded memory.</summary>
internal static class VolumeCommands
{
    // Requests of a few stripes: fewer calls and locks per byte; two such blocks are all the memory a copy keeps.
    private const int TargetBlockBytes = 4 * 1024 * 1024;
    private const int MaxBlockBytes = 16 * 1024 * 1024;

    // Blocks read side by side ahead of the one being consumed: one per core of the 2-core machines RaidEmu is measured on.
    private const int ReadersAhead = 2;

    public static int Write(WriteOptions o)
    {
        long offset = Sizes.ParseOptional(o.Offset, "--offset", 0);
        long? limit = o.Length == null ? null : Sizes.Parse(o.Length, "--length");
        using var input = InputSource.Open(o.Input, limit);
        using var handle = CommandContext.Current.Arrays.Open(o.Array, "write");
        long size = handle.Array.Length;
        CheckRange(offset, input.Length ?? 0, size, "input", $"{input.Name} ({input.Length ?? 0} bytes)");
        long room = size - offset;
        long total = input.Length ?? room;
        long written = Copy(input.Stream, total, "write", (position, block) => handle.Array.Write(offset + position, block.Span), Buffered(BlockBytesFor(handle.Array), total));
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
        bool toStdout = o.Output == "-";
        if (toStdout && OutputTarget.Running != null)
        {
            throw new UsageException("--output - is standard output, which the process serving the array cannot write to; read through its NBD export or FUSE image instead");
        }

        if (toStdout && !Console.IsOutputRedirected)
        {
            throw new UsageException("--output - would write the volume's bytes to a terminal: redirect standard output to a file or a pipe");
        }

        using var output = toStdout ? StandardOutput() : OpenOutput(CommandContext.Current.Path(o.Output));

        // Seeded faults pick their failures by each disk's I/O count: reads side by side would interleave those
        // counts and make the same command fail one run and pass the next.
        long done = ReadOut(array, offset, length, output.Write, array.Faults.Faults.Count > 0 ? 1 : ReadersAhead);

        // With the bytes on standard output, the summary goes where dd puts its own: standard error.
        var summary = toStdout ? CommandContext.Current.Err : CommandContext.Current.Out;
        summary.WriteLine($"read {done} bytes from offset {offset} into {(toStdout ? "standard output" : o.Output)}");
        return 0;
    }

    /// <summary>
    /// Streams [offset, offset+length) of the volume to <paramref name="consume"/> block by block, in order, with
    /// progress. Two blocks are read side by side on the thread pool while the one before them is consumed here: a
    /// page-cached member read is a memory copy that runs on one core, and the two cores copy twice as much. Memory
    /// stays at three blocks whatever the length; a single block is read on this thread and never starts the pool.
    /// </summary>
    public static long ReadOut(IBlockDevice volume, long offset, long length, Action<ReadOnlySpan<byte>> consume, int readers = ReadersAhead)
    {
        int blockBytes = Buffered(BlockBytesFor(volume), length);
        long blocks = blockBytes == 0 ? 0 : (length + blockBytes - 1) / blockBytes;
        var buffers = new byte[Math.Min(blocks, readers + 1)][];
        var reads = new Task[buffers.Length];
        long done = 0;
        ProgressView.Run("read", length, progress =>
        {
            long started = 0;
            void Start()
            {
                long block = started++;
                int slot = (int)(block % buffers.Length);
                var buffer = buffers[slot] ??= new byte[blockBytes];
                long at = block * blockBytes;
                int n = (int)Math.Min(blockBytes, length - at);
                reads[slot] = blocks == 1
                    ? RunHere(() => volume.Read(offset + at, buffer.AsSpan(0, n)))
                    : Task.Run(() => volume.Read(offset + at, buffer.AsSpan(0, n)));
            }

            try
            {
                while (started < Math.Min(blocks, readers))
                {
                    Start();
                }

                for (long block = 0; block < blocks; block++)
                {
                    int slot = (int)(block % buffers.Length);
                    reads[slot].GetAwaiter().GetResult();
                    while (started < Math.Min(blocks, block + readers + 1))
                    {
                        Start();
                    }

                    int n = (int)Math.Min(blockBytes, length - done);
                    consume(buffers[slot].AsSpan(0, n));
                    done += n;
                    progress?.Report(new SyncProgress(SyncKind.Check, done, length));
                }
            }
            finally
            {
                foreach (var read in reads)
                {
                    Finish(read);
                }
            }
        });
        return done;
    }

    /// <summary>
    /// The output file, locked as dd does not: exclusively when it is a regular file, so a read can never empty a
    /// file another process is using (a member disk of a running array, another read's output); shared when it is
    /// not (/dev/null, a pipe), which two reads may well write at once.
    /// </summary>
    private static FileStream OpenOutput(string path)
    {
        bool special = File.Exists(path) && HostFile.Stat(path).Kind is not HostFileKind.Regular;
        return new FileStream(path, FileMode.Create, FileAccess.Write, special ? FileShare.ReadWrite : FileShare.None, 0);
    }

    // A stream on descriptor 1 itself: the console's stream treats a closed pipe (EPIPE) as success, so a read
    // into `| head -c 1` ran to its end and reported every byte written.
    private static FileStream StandardOutput() =>
        new(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 0);

    private static Task RunHere(Action action)
    {
        try
        {
            action();
            return Task.CompletedTask;
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    /// <summary>
    /// Copies at most <paramref name="length"/> bytes of a stream block by block, reading the next block while the
    /// last one is written; memory stays at two blocks whatever the size.
    /// </summary>
    public static long Copy(Stream input, long length, string title, Action<long, ReadOnlyMemory<byte>> write, int blockBytes = MaxBlockBytes)
    {
        byte[][] buffers = [new byte[blockBytes], new byte[blockBytes]];
        long done = 0;
        ProgressView.Run(title, length, progress =>
        {
            int current = 0;

            // The first block has nothing to overlap with: read here, so a short copy never starts the thread pool.
            var reading = Task.FromResult(ReadInto(input, buffers[current], length - done));
            try
            {
                int n;
                while ((n = reading.GetAwaiter().GetResult()) > 0)
                {
                    var block = buffers[current].AsMemory(0, n);
                    current ^= 1;
                    reading = done + n < length ? ReadAhead(input, buffers[current], length - done - n) : Task.FromResult(0);
                    write(done, block);
                    done += n;
                    progress?.Report(new SyncProgress(SyncKind.Check, done, length));
                }
            }
            finally
            {
                Finish(reading);
            }
        });
        return done;
    }

    /// <summary>Blocks of whole stripes, about <see cref="TargetBlockBytes"/>: a RAID 5 write of whole stripes reads nothing back.</summary>
    public static int BlockBytesFor(IBlockDevice volume)
    {
        long stripe = volume is RaidArray { Geometry: { Level: RaidLevel.Raid5 } g } ? g.FullStripeBytes : 1024 * 1024;
        return (int)Math.Min(MaxBlockBytes, stripe * Math.Max(1, TargetBlockBytes / stripe));
    }

    /// <summary>
    /// Buffers no bigger than the copy: a 4 KiB read or write needs no two 4 MiB blocks, whose zeroing and page faults
    /// were a noticeable part of such a short command. The blocks copied stay the same.
    /// </summary>
    private static int Buffered(int blockBytes, long length) => (int)Math.Max(0, Math.Min(blockBytes, length));

    private static Task<int> ReadAhead(Stream input, byte[] buffer, long left) => Task.Run(() => ReadInto(input, buffer, left));

    private static int ReadInto(Stream input, byte[] buffer, long left) => ReadBlock(input, buffer.AsSpan(0, (int)Math.Min(buffer.Length, left)));

    // A block still in flight when the copy stops on an error is waited for (it uses the stream and the buffers), and its own error dropped: the first one is the one to report.
    private static void Finish(Task? task)
    {
        try
        {
            task?.Wait();
        }
        catch (AggregateException)
        {
        }
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
