using RaidEmu.Core.Faults;

namespace RaidEmu.Cli.Commands;

/// <summary>One fault in <c>fault ... --json</c> and <c>status --json</c>: the fields of <c>faults.json</c>, the kind spelled as on the command line.</summary>
internal sealed record FaultReport(
    int Id,
    int Disk,
    string Kind,
    long? FirstSector,
    long? SectorCount,
    double? LatencyMs,
    double? JitterMs,
    long? BytesPerSecond,
    double? Rate,
    int? DurationMs,
    long? AfterWrites,
    long? AfterBytes,
    long Seed,
    DateTimeOffset Added)
{
    public static FaultReport From(Fault f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f.Id, f.Disk, FaultText.Name(f.Kind), f.FirstSector, f.SectorCount, f.LatencyMs, f.JitterMs, f.BytesPerSecond,
            f.Rate, f.DurationMs, f.AfterWrites, f.AfterBytes, f.Seed, f.Added);
    }
}
