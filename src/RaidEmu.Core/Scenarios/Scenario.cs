namespace RaidEmu.Core.Scenarios;

/// <summary>A reproducible experiment: an array, a seeded workload, actions at workload points, expectations.</summary>
public sealed record Scenario
{
    /// <summary>Short name.</summary>
    public required string Name { get; init; }

    /// <summary>What it shows.</summary>
    public string Description { get; init; } = "";

    /// <summary>The array it creates.</summary>
    public ScenarioArray Array { get; init; } = new();

    /// <summary>Seeds the workload's data and positions, the array's UUID and power cuts.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>The workload.</summary>
    public ScenarioWorkload Workload { get; init; } = new();

    /// <summary>Actions, ordered by the op they fire at (file order among equals).</summary>
    public IReadOnlyList<ScenarioAction> Actions { get; init; } = [];

    /// <summary>What must hold at the end.</summary>
    public ScenarioExpect Expect { get; init; } = new();
}
