using System.Diagnostics.CodeAnalysis;

namespace RaidEmu.Core.Power;

/// <summary>
/// What the power model has scheduled, earliest first; entries due at the same instant play in the order they
/// were scheduled (a hold-up that ends exactly when an outage does plays first, as it was scheduled first).
/// Lazy entries (the end of a spin-up surge) play when time reaches them, but nobody waits for them.
/// </summary>
internal sealed class Timeline
{
    private readonly PriorityQueue<Entry, (DateTimeOffset Due, long Sequence)> _queue = new();
    private long _sequence;
    private int _eager;

    /// <summary>True while something that is not lazy is pending.</summary>
    public bool HasEager => _eager > 0;

    public void Schedule(DateTimeOffset due, Action act, bool lazy = false)
    {
        _queue.Enqueue(new Entry(due, act, lazy), (due, _sequence++));
        if (!lazy)
        {
            _eager++;
        }
    }

    /// <summary>When the earliest entry is due.</summary>
    public bool TryPeek(out DateTimeOffset due)
    {
        bool any = _queue.TryPeek(out var entry, out _);
        due = any ? entry!.Due : default;
        return any;
    }

    /// <summary>Takes the earliest entry if it is due by <paramref name="until"/>.</summary>
    public bool TryTake(DateTimeOffset until, [NotNullWhen(true)] out Entry? entry)
    {
        if (!_queue.TryPeek(out entry, out _) || entry.Due > until)
        {
            entry = null;
            return false;
        }

        _queue.Dequeue();
        if (!entry.Lazy)
        {
            _eager--;
        }

        return true;
    }

    /// <summary>One scheduled consequence.</summary>
    public sealed record Entry(DateTimeOffset Due, Action Act, bool Lazy);
}
