namespace RaidEmu.Core.Reliability;

/// <summary>How long a rebuild (or a power supply's repair) takes.</summary>
public enum RebuildModel
{
    /// <summary>Exponentially distributed with the given mean: what the Markov chain assumes.</summary>
    Exponential,

    /// <summary>Always exactly the given time, as a rebuild that streams the disk at a steady rate.</summary>
    Fixed,
}
