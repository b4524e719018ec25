using RaidEmu.Core.Md;

namespace RaidEmu.Core.Scenarios;

/// <summary>What a scenario says must happen; the runner checks each stated item.</summary>
public sealed record ScenarioExpect
{
    /// <summary>Bytes whose reads fail at the end (EIO); zero when not stated.</summary>
    public ByteExpectation LostBytes { get; init; } = new(0, 0);

    /// <summary>Bytes that read back different from what was written; zero when not stated.</summary>
    public ByteExpectation WrongBytes { get; init; } = new(0, 0);

    /// <summary>Why wrong bytes are md's expected behaviour here (printed beside them).</summary>
    public string? WrongBecause { get; init; }

    /// <summary>Events that must appear in this order (others may come between): "Type" or "Type@disk".</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>The array's state at the end.</summary>
    public ArrayState? State { get; init; }

    /// <summary>Mismatch counts of the scenario's check and repair actions, in order.</summary>
    public IReadOnlyList<ByteExpectation> Scrubs { get; init; } = [];
}
