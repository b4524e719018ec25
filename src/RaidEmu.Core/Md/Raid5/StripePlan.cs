namespace RaidEmu.Core.Md.Raid5;

/// <summary>
/// The reads a RAID 5 stripe write needs and why, decided from the stripe's shape alone so the choice is
/// testable without I/O. Execution (<see cref="Raid5Personality"/>) reads what the plan lists, XORs and writes.
/// </summary>
/// <param name="Mode">Read-modify-write or reconstruct-write.</param>
/// <param name="Reason">Why that mode.</param>
/// <param name="DataReads">Per data index: the old bytes to read from that chunk's member (empty: none).</param>
/// <param name="ParityRead">The old parity bytes to read (empty: none).</param>
/// <param name="RebuildsUnreadable">
/// True when the unreadable data chunk is only partly written, so its old bytes are first rebuilt from
/// the others and parity before new parity is computed.
/// </param>
internal sealed record StripePlan(
    StripeWriteMode Mode, StripeWriteReason Reason, IReadOnlyList<ColumnRange> DataReads, ColumnRange ParityRead, bool RebuildsUnreadable)
{
    /// <summary>Member reads the plan implies.</summary>
    public int ReadCount => DataReads.Count(r => !r.IsEmpty) + (ParityRead.IsEmpty ? 0 : 1);

    /// <summary>Member bytes the plan reads.</summary>
    public long BytesRead => DataReads.Sum(r => (long)r.Length) + ParityRead.Length;

    /// <summary>
    /// Chooses read-modify-write or reconstruct-write for one window of a stripe; null when two columns are down
    /// and both modes would need one of them (the stripe's old contents are lost there).
    /// </summary>
    public static StripePlan? ForDegraded(StripeWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (write.DownData.Count + (write.UnreadableParity ? 1 : 0) < 2)
        {
            return For(write);
        }

        // Read-modify-write needs parity and the old bytes of the written chunks; reconstruct-write needs every
        // chunk not fully written (parity is only written).
        bool modify = !write.UnreadableParity && !write.BeyondResyncPoint && write.DownData.All(k => write.Written[k].IsEmpty);
        bool reconstruct = write.DownData.All(write.IsFull);
        if (modify)
        {
            return ReadModifyWrite(write) with { Reason = StripeWriteReason.AroundLostBlocks };
        }

        return reconstruct ? ReconstructWrite(write, StripeWriteReason.AroundLostBlocks) : null;
    }

    /// <summary>Chooses read-modify-write or reconstruct-write for one window of a stripe.</summary>
    public static StripePlan For(StripeWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        int touched = 0;
        int partial = 0;
        for (int k = 0; k < write.DataColumns; k++)
        {
            touched += write.Written[k].IsEmpty ? 0 : 1;
            partial += write.IsFull(k) ? 0 : 1;
        }

        bool unreadable = write.UnreadableData >= 0 || write.UnreadableParity;
        if (unreadable)
        {
            return ReconstructWrite(write, StripeWriteReason.MemberUnreadable);
        }

        // Parity not yet resynced is never trusted: reconstruct-write makes the window consistent from the data alone.
        if (write.BeyondResyncPoint)
        {
            return ReconstructWrite(write, partial == 0 ? StripeWriteReason.FullStripe : StripeWriteReason.ResyncPending);
        }

        // Read-modify-write reads the touched chunks and parity; reconstruct-write reads the chunks not fully covered.
        if (touched + 1 < partial)
        {
            return ReadModifyWrite(write);
        }

        return ReconstructWrite(write, partial == 0 ? StripeWriteReason.FullStripe : StripeWriteReason.NoMoreReads);
    }

    private static StripePlan ReadModifyWrite(StripeWrite write)
    {
        var reads = new ColumnRange[write.DataColumns];
        for (int k = 0; k < reads.Length; k++)
        {
            reads[k] = write.Written[k].IsEmpty ? ColumnRange.None : write.Written[k];
        }

        return new StripePlan(StripeWriteMode.ReadModifyWrite, StripeWriteReason.FewerReads, reads, new ColumnRange(write.Lo, write.Hi), false);
    }

    private static StripePlan ReconstructWrite(StripeWrite write, StripeWriteReason reason)
    {
        int missing = write.UnreadableData;
        bool rebuild = missing >= 0 && !write.IsFull(missing);
        var whole = new ColumnRange(write.Lo, write.Hi);
        var reads = new ColumnRange[write.DataColumns];
        for (int k = 0; k < reads.Length; k++)
        {
            reads[k] = k != missing && (!write.IsFull(k) || rebuild) ? whole : ColumnRange.None;
        }

        return new StripePlan(StripeWriteMode.ReconstructWrite, reason, reads, rebuild ? whole : ColumnRange.None, rebuild);
    }
}
