using System.Text.Json;

namespace RaidEmu.Core.Events;

/// <summary>An array's event log: a JSON-lines file beside its members, appended and flushed event by event.</summary>
public sealed class EventLog : IEventSink
{
    /// <summary>The log's file name inside an array folder.</summary>
    public const string FileName = "events.jsonl";

    private readonly string _path;
    private readonly Lock _gate = new();

    /// <summary>Appends to (or creates) the log at <paramref name="path"/>.</summary>
    public EventLog(string path) => _path = path;

    /// <inheritdoc />
    public void Append(ArrayEvent entry)
    {
        string line = JsonSerializer.Serialize(entry) + "\n";
        lock (_gate)
        {
            using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            using var writer = new StreamWriter(stream);
            writer.Write(line);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
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
                var entry = JsonSerializer.Deserialize<ArrayEvent>(line);
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
}
