namespace RaidEmu.Live.Nbd;

/// <summary>
/// The buffers requests are served through, shared by every connection under one budget: at most
/// <see cref="Count"/> exist at once, so the bytes in flight stay bounded (<see cref="Count"/> times
/// <see cref="Size"/>) whatever the number of connections, requests in flight and request sizes. A
/// connection that finds the budget spent waits for a buffer before it reads the next request. Each buffer
/// keeps <see cref="HeaderRoom"/> bytes in front of its data, so a read's reply header and data leave in
/// one socket write. Buffers are kept for reuse once made. A client that never reads its replies pins at
/// most <see cref="NbdTransmission.MaxInFlight"/> of them (its reads wait on the socket); eight such
/// clients at once spend the budget, and other connections wait until they leave or the server stops.
/// Two other budgets bound the rest of a server's memory: writes gathered into whole stripes use
/// <see cref="NbdMergeBuffers"/> (8 of 4 MiB, taken only when free), and the arrays' stripe scratch is at
/// most 16 buffers of up to 2 MiB per array (RaidEmu.Core's BufferPool).
/// </summary>
internal static class NbdBuffers
{
    /// <summary>The data one buffer holds: a request up to this size is served in one piece; also the largest option the handshake accepts.</summary>
    public const int Size = 256 * 1024;

    /// <summary>Room for a simple reply's header in front of the data.</summary>
    public const int HeaderRoom = 16;

    /// <summary>Buffers in existence at once, all connections together (32 MiB).</summary>
    public const int Count = 128;

    private static readonly SemaphoreSlim s_budget = new(Count, Count);
    private static readonly Stack<byte[]> s_free = new(Count);

    /// <summary>Waits until the budget allows one more buffer, then hands one out.</summary>
    public static async ValueTask<byte[]> RentAsync(CancellationToken ct)
    {
        await s_budget.WaitAsync(ct).ConfigureAwait(false);
        lock (s_free)
        {
            if (s_free.Count > 0)
            {
                return s_free.Pop();
            }
        }

        return GC.AllocateUninitializedArray<byte>(HeaderRoom + Size, pinned: true);
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
