namespace RaidEmu.Core.Faults;

/// <summary>Names the fault an event of a <see cref="FaultSet"/> is about.</summary>
/// <param name="fault">The fault.</param>
public sealed class FaultEventArgs(Fault fault) : EventArgs
{
    /// <summary>The fault.</summary>
    public Fault Fault { get; } = fault;
}
