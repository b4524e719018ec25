using RaidEmu.Cli.Output;
using RaidEmu.Core.Devices;

namespace RaidEmu.Cli.Commands;

/// <summary>
/// What <c>write --input</c> reads: a file of known length, a pipe that ends when its writer closes it, or
/// a device such as /dev/zero that never ends and so needs a length.
/// </summary>
internal sealed class InputSource : IDisposable
{
    private InputSource(Stream stream, long? length, string name)
    {
        Stream = stream;
        Length = length;
        Name = name;
    }

    public Stream Stream { get; }

    /// <summary>Bytes that will be copied when known before reading; null for a pipe read to its end.</summary>
    public long? Length { get; }

    public string Name { get; }

    /// <summary>Opens <paramref name="input"/> ("-" is standard input), taking at most <paramref name="limit"/> bytes of it.</summary>
    public static InputSource Open(string input, long? limit)
    {
        if (input == "-")
        {
            CheckLocal(input);
            return new InputSource(Console.OpenStandardInput(), limit, "standard input");
        }

        string path = CommandContext.Current.Path(input);
        if (Directory.Exists(path))
        {
            throw new UsageException($"input {input} is a directory, not a file");
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"input file {input} does not exist");
        }

        var kind = HostFile.Stat(path).Kind;
        if (kind is HostFileKind.CharacterDevice or HostFileKind.BlockDevice && limit == null)
        {
            throw new UsageException($"input {input} is a device with no end; give --length");
        }

        if (kind == HostFileKind.Pipe)
        {
            CheckLocal(input);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        long? length = kind == HostFileKind.Regular ? Math.Min(stream.Length, limit ?? long.MaxValue) : limit;
        return new InputSource(stream, length, input);
    }

    public void Dispose() => Stream.Dispose();

    // A served array's command runs in the serving process, which cannot read the client's standard input.
    private static void CheckLocal(string input)
    {
        if (OutputTarget.Running != null)
        {
            throw new UsageException($"input {input} is a pipe, which the process serving the array cannot read; write through its NBD export or FUSE image instead");
        }
    }
}
