namespace RaidEmu.Core.Events;

/// <summary>Keeps events in memory, for tests and for arrays that have no folder.</summary>
public sealed class MemoryEventSink : IEventSink
{
    private readonly List<ArrayEvent> _events = [];

    /// <summary>A copy of the events so far, oldest first.</summary>
    public IReadOnlyList<ArrayEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <inheritdoc />
    public void Append(ArrayEvent entry)
    {
        lock (_events)
        {
            _events.Add(entry);
        }
    }
}
