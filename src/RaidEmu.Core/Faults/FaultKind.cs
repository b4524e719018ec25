namespace RaidEmu.Core.Faults;

/// <summary>How a member misbehaves. Names on the command line and in <c>faults.json</c> are kebab-case (<c>fail-after</c>).</summary>
public enum FaultKind
{
    /// <summary>Latent sector error: reads touching the range fail; a write to a sector clears it (the drive remaps it).</summary>
    Unreadable,

    /// <summary>Writes touching the range fail; reads still work.</summary>
    Unwritable,

    /// <summary>Bit rot: reads of the range return the stored bytes with bits flipped (seeded), and no error.</summary>
    Corrupt,

    /// <summary>Every I/O waits a latency (fixed plus seeded jitter), optionally under a bandwidth cap.</summary>
    Slow,

    /// <summary>I/Os in the range hang for a time, then fail as a block-layer timeout.</summary>
    Hang,

    /// <summary>Each I/O fails with a probability, transiently: a retry may succeed.</summary>
    Flaky,

    /// <summary>The member disappears for a time, then comes back.</summary>
    Vanish,

    /// <summary>The member fails for good after a number of writes or bytes written.</summary>
    FailAfter,
}
