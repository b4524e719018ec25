namespace RaidEmu.Core.Md.Raid5;

/// <summary>Why a planner chose its <see cref="StripeWriteMode"/>.</summary>
internal enum StripeWriteReason
{
    /// <summary>The request covers every data chunk of the window: nothing needs reading.</summary>
    FullStripe,

    /// <summary>Read-modify-write reads fewer columns than reconstruct-write.</summary>
    FewerReads,

    /// <summary>Reconstruct-write reads no more columns than read-modify-write.</summary>
    NoMoreReads,

    /// <summary>A member cannot be read, so old data or parity is not all there to modify.</summary>
    MemberUnreadable,

    /// <summary>
    /// The window lies at or beyond the resync point: old parity may not match the data (an unclean stop), so it
    /// must not be folded into new parity. md forces reconstruct-write there for the same reason.
    /// </summary>
    ResyncPending,

    /// <summary>
    /// Two columns cannot be read over the window (bad blocks of lost data, or one bad block on top of a missing
    /// member): the mode that needs neither of them is the only one that keeps parity right.
    /// </summary>
    AroundLostBlocks,
}
