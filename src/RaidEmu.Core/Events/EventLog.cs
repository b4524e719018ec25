using System.Runtime.InteropServices;
using System.Text.Json;

namespace RaidEmu.Core.Events;

/// <summary>An array's event log: a JSON-lines file beside its members, appended and flushed event by event.</summary>
public sealed partial class EventLog : IEventSink
{
    private const int OWriteOnly = 0x1;
    private const int OCreate = 0x40;
    private const int OAppend = 0x400;
    private const int OCloseOnExec = 0x80000;

    /// <summary>The log's file name inside an array folder.</summary>
    public const string FileName = "events.jsonl";

    private readonly string _path;
    private readonly Lock _gate = new();

    /// <summary>Appends to (or creates) the log at <paramref name="path"/>.</summary>
    public EventLog(string path) => _path = path;

    /// <inheritdoc />
    public void Append(ArrayEvent entry)
    {
        byte[] line = ArrayEventJson.Line(entry);
        lock (_gate)
        {
            AppendLine(_path, line);
        }
    }

    /// <summary>
    /// Refuses, before anything changes, when the log cannot be appended to: a state change whose event
    /// cannot be logged would be applied yet reported as failed.
    /// </summary>
    /// <exception cref="IOException">The log cannot be opened for appending.</exception>
    public static void CheckWritable(string path)
    {
        int fd = OpenAppend(path);
        _ = Close(fd);
    }

    /// <summary>
    /// Appends one whole line in one write on a descriptor opened with O_APPEND, so a reader never sees half
    /// of it beside another process's line. A torn last line (a crash mid-write) is ended first, so it costs
    /// only itself and never swallows the line after it.
    /// </summary>
    private static void AppendLine(string path, byte[] line)
    {
        int fd = OpenAppend(path);
        try
        {
            byte[] data = EndsTorn(path) ? [(byte)'\n', .. line] : line;
            if (Write(fd, data, data.Length) != data.Length)
            {
                throw new IOException($"{path}: cannot append the event: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }

            _ = FSync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static bool EndsTorn(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long length = RandomAccess.GetLength(handle);
        Span<byte> last = stackalloc byte[1];
        return length > 0 && RandomAccess.Read(handle, last, length - 1) == 1 && last[0] != (byte)'\n';
    }

    private static int OpenAppend(string path)
    {
        int fd = Open(path, OWriteOnly | OCreate | OAppend | OCloseOnExec, 420 /* 0644 */);
        if (fd < 0)
        {
            throw new IOException($"the event log {path} cannot be written: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return fd;
    }

    /// <summary>Reads every event in <paramref name="path"/>, oldest first; an absent file is an empty log.</summary>
    public static IReadOnlyList<ArrayEvent> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var events = new List<ArrayEvent>();
        foreach (string line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                var entry = ArrayEventJson.Parse(line);
                if (entry != null)
                {
                    events.Add(entry);
                }
            }
            catch (JsonException)
            {
                // A torn last line from a crash is skipped rather than making the whole log unreadable.
            }
        }

        return events;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte[] data, nint count);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
