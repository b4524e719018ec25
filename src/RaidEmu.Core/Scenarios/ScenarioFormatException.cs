namespace RaidEmu.Core.Scenarios;

/// <summary>A scenario file that cannot be run as written: bad JSON, an unknown action or fault kind, a value out of range.</summary>
public sealed class ScenarioFormatException(string message) : ArgumentException(message);
