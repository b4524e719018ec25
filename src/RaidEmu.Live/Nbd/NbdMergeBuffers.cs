namespace RaidEmu.Live.Nbd;

/// <summary>
/// Large buffers in which consecutive writes of one connection are gathered into one array write, shared by
/// every connection under a fixed budget (<see cref="Count"/> times <see cref="Size"/>, 32 MiB). Taking one
/// never waits: when all are in use, a write is served on its own as before, so the budget bounds memory
/// without ever holding a request back.
/// </summary>
internal static class NbdMergeBuffers
{
    /// <summary>The most bytes one gathered write holds: two stripes of a 4-disk RAID 5 with 512 KiB chunks fit, and more.</summary>
    public const int Size = 4 * 1024 * 1024;

    /// <summary>Buffers in existence at once, all connections together.</summary>
    public const int Count = 8;

    private static readonly SemaphoreSlim s_budget = new(Count, Count);
    private static readonly Stack<byte[]> s_free = new(Count);

    /// <summary>Buffers that may still be taken.</summary>
    public static int Available => s_budget.CurrentCount;

    /// <summary>A buffer, or null when the budget is spent.</summary>
    public static byte[]? TryRent()
    {
        if (!s_budget.Wait(0))
        {
            return null;
        }

        lock (s_free)
        {
            if (s_free.Count > 0)
            {
                return s_free.Pop();
            }
        }

        return GC.AllocateUninitializedArray<byte>(Size, pinned: true);
    }

    public static void Return(byte[] buffer)
    {
        lock (s_free)
        {
            s_free.Push(buffer);
        }

        s_budget.Release();
    }
}
