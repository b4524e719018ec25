using RaidEmu.Core.Md;

namespace RaidEmu.Core.Scenarios;

/// <summary>What a scenario run did and found.</summary>
public sealed record ScenarioReport
{
    /// <summary>The scenario's name.</summary>
    public required string Name { get; init; }

    /// <summary>Its description.</summary>
    public string Description { get; init; } = "";

    /// <summary>The seed.</summary>
    public long Seed { get; init; }

    /// <summary>The array's shape.</summary>
    public string Array { get; init; } = "";

    /// <summary>Workload writes made (attempted).</summary>
    public long Ops { get; init; }

    /// <summary>Writes that failed (their blocks' contents are then unknown and not verified).</summary>
    public long FailedWrites { get; init; }

    /// <summary>Distinct bytes the workload wrote: what the verification reads.</summary>
    public long BytesWritten { get; init; }

    /// <summary>Bytes read back equal to what was written.</summary>
    public long BytesVerified { get; init; }

    /// <summary>Bytes whose read failed (EIO).</summary>
    public long BytesLost { get; init; }

    /// <summary>Bytes read back different from what was written.</summary>
    public long BytesWrong { get; init; }

    /// <summary>Bytes of blocks whose last write failed: either content is possible, so they are not judged.</summary>
    public long BytesInDoubt { get; init; }

    /// <summary>Why wrong bytes are expected here, when the scenario says so.</summary>
    public string? WrongBecause { get; init; }

    /// <summary>Volume ranges whose reads failed at the end, merged.</summary>
    public IReadOnlyList<ByteRange> LostRanges { get; init; } = [];

    /// <summary>Volume ranges that read back wrong at the end, merged.</summary>
    public IReadOnlyList<ByteRange> WrongRanges { get; init; } = [];

    /// <summary>Read-back mismatches and read errors seen while the workload ran (readBack).</summary>
    public long ReadBackProblems { get; init; }

    /// <summary>The array's events in order, with the workload progress at which they happened.</summary>
    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];

    /// <summary>Check and repair results in order.</summary>
    public IReadOnlyList<ScrubResult> Scrubs { get; init; } = [];

    /// <summary>Throughput between action points (wall clock: not part of what the seed reproduces).</summary>
    public IReadOnlyList<PhaseThroughput> Phases { get; init; } = [];

    /// <summary>The array's state at the end.</summary>
    public ArrayState FinalState { get; init; }

    /// <summary>The members at the end.</summary>
    public IReadOnlyList<MemberReport> Members { get; init; } = [];

    /// <summary>Expectations that did not hold (empty: the run passed).</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>True when every expectation held.</summary>
    public bool Passed => Failures.Count == 0;
}
