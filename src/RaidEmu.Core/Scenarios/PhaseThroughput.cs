namespace RaidEmu.Core.Scenarios;

/// <summary>Wall-clock speed of the workload between two action points (measured, so not reproducible).</summary>
/// <param name="Label">What the array was doing.</param>
/// <param name="FromOp">First write of the phase.</param>
/// <param name="ToOp">Write after its last.</param>
/// <param name="Bytes">Bytes written.</param>
/// <param name="Seconds">Wall-clock seconds, actions at its start included.</param>
/// <param name="MemberBytesRead">Bytes read from each member during the phase, by device number (where reads went).</param>
public sealed record PhaseThroughput(string Label, long FromOp, long ToOp, long Bytes, double Seconds, IReadOnlyDictionary<string, long> MemberBytesRead)
{
    /// <summary>Mebibytes per second.</summary>
    public double MibPerSecond => Seconds > 0 ? Bytes / 1048576.0 / Seconds : 0;
}
