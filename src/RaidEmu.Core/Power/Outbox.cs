namespace RaidEmu.Core.Power;

/// <summary>
/// What the power model has to tell (log entries, rail changes), held while it changes and handed out once it
/// has settled, outside its lock, in the order it happened. A handler may read the model or act on it: what its
/// own action causes is handed out after it returns, so no handler ever sees the model half-changed.
/// </summary>
internal sealed class Outbox
{
    private readonly Queue<Action> _pending = new();
    private readonly Lock _queueGate = new();
    private readonly Lock _deliveryGate = new();
    private bool _delivering;

    public void Add(Action notice)
    {
        lock (_queueGate)
        {
            _pending.Enqueue(notice);
        }
    }

    public void Clear()
    {
        lock (_queueGate)
        {
            _pending.Clear();
        }
    }

    /// <summary>Hands out everything pending; a call from inside a handler leaves it to the delivery already running.</summary>
    public void Deliver()
    {
        // The gate is re-entrant: the delivering thread gets in again (and leaves at once); another thread waits
        // until the delivery running now has handed out what it queued too.
        lock (_deliveryGate)
        {
            if (_delivering)
            {
                return;
            }

            _delivering = true;
            try
            {
                while (TryTake(out var notice))
                {
                    notice();
                }
            }
            finally
            {
                _delivering = false;
            }
        }
    }

    private bool TryTake(out Action notice)
    {
        lock (_queueGate)
        {
            return _pending.TryDequeue(out notice!);
        }
    }
}
