using System.Globalization;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Faults;

namespace RaidEmu.Cli.Commands;

/// <summary>
/// The fault <c>fault add</c> asks for, checked before anything changes: each kind takes only the
/// parameters it uses and needs the ones it cannot do without; a range lies inside the member's data area.
/// Byte ranges must be whole sectors: a fault is kept in sectors, and widening a range silently would fault
/// bytes nobody asked for.
/// </summary>
internal static class FaultSpec
{
    private static readonly FaultKind[] s_ranged = [FaultKind.Unreadable, FaultKind.Unwritable, FaultKind.Corrupt, FaultKind.Hang, FaultKind.Flaky];

    /// <summary>True for kinds that draw random numbers from their seed.</summary>
    public static bool TakesSeed(FaultKind kind) => kind is FaultKind.Corrupt or FaultKind.Slow or FaultKind.Flaky;

    public static Fault Build(FaultOptions o, IReadOnlyDictionary<int, long> dataSectors)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(dataSectors);
        if (o.Id != null)
        {
            throw new UsageException("fault add does not take --id: ids are given as faults are added");
        }

        int disk = o.Disk ?? throw new UsageException("fault add needs --disk N");
        if (o.Kind == null)
        {
            throw new UsageException($"fault add needs --kind ({FaultText.KindNames})");
        }

        if (!FaultText.TryParse(o.Kind, out var kind))
        {
            throw new UsageException($"unknown fault kind '{o.Kind}': use {FaultText.KindNames}");
        }

        if (!dataSectors.TryGetValue(disk, out long sectors))
        {
            throw new UsageException($"array has no disk {disk} (its disks are {string.Join(", ", dataSectors.Keys.Order())})");
        }

        CheckTaken(o, kind);
        CheckNumbers(o);
        long? bandwidth = o.Bandwidth == null ? null : Bandwidth(o.Bandwidth);
        long? afterBytes = o.Bytes == null ? null : Sizes.Parse(o.Bytes, "--bytes");
        var range = Range(o, disk, sectors);
        return new Fault
        {
            Disk = disk,
            Kind = kind,
            FirstSector = range?.First,
            SectorCount = range?.Count,
            LatencyMs = o.Latency,
            JitterMs = o.Jitter,
            BytesPerSecond = bandwidth,
            Rate = o.Rate,
            DurationMs = o.Ms,
            AfterWrites = o.Writes,
            AfterBytes = afterBytes,
            Seed = o.Seed ?? 0,
            Added = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>Refuses a parameter the kind does not use, and a missing one it needs.</summary>
    private static void CheckTaken(FaultOptions o, FaultKind kind)
    {
        string name = FaultText.Name(kind);
        (string Flag, bool Given, bool Takes)[] parameters =
        [
            ("--sectors", o.Sectors != null, s_ranged.Contains(kind)),
            ("--offset", o.Offset != null, s_ranged.Contains(kind)),
            ("--length", o.Length != null, s_ranged.Contains(kind)),
            ("--latency", o.Latency != null, kind == FaultKind.Slow),
            ("--jitter", o.Jitter != null, kind == FaultKind.Slow),
            ("--bandwidth", o.Bandwidth != null, kind == FaultKind.Slow),
            ("--rate", o.Rate != null, kind == FaultKind.Flaky),
            ("--ms", o.Ms != null, kind is FaultKind.Hang or FaultKind.Vanish),
            ("--writes", o.Writes != null, kind == FaultKind.FailAfter),
            ("--bytes", o.Bytes != null, kind == FaultKind.FailAfter),
            ("--seed", o.Seed != null, TakesSeed(kind)),
        ];
        foreach (var p in parameters.Where(p => p.Given && !p.Takes))
        {
            throw new UsageException(p.Flag is "--sectors" or "--offset" or "--length"
                ? $"{name} faults take the whole disk: {p.Flag} is for unreadable, unwritable, corrupt, hang and flaky"
                : $"{name} faults do not take {p.Flag}");
        }

        string? missing = kind switch
        {
            FaultKind.Hang or FaultKind.Vanish when o.Ms == null => "--ms T",
            FaultKind.Flaky when o.Rate == null => "--rate P",
            FaultKind.Slow when o.Jitter != null && o.Latency == null => "--latency MS (jitter is added to it)",
            FaultKind.Slow when o.Latency == null && o.Bandwidth == null => "--latency MS or --bandwidth BYTES/S",
            FaultKind.FailAfter when o.Writes == null && o.Bytes == null => "--writes N or --bytes N",
            _ => null,
        };
        if (missing != null)
        {
            throw new UsageException($"{name} faults need {missing}");
        }
    }

    private static void CheckNumbers(FaultOptions o)
    {
        if (o.Latency is { } latency && !(latency >= 0 && double.IsFinite(latency)))
        {
            throw new UsageException("--latency must be a number of milliseconds, 0 or more");
        }

        if (o.Jitter is { } jitter && !(jitter >= 0 && double.IsFinite(jitter)))
        {
            throw new UsageException("--jitter must be a number of milliseconds, 0 or more");
        }

        if (o.Rate is { } rate && !(rate >= 0 && rate <= 1))
        {
            throw new UsageException("--rate must be a probability from 0 to 1");
        }

        if (o.Ms is < 1)
        {
            throw new UsageException("--ms must be 1 or more");
        }

        if (o.Writes is < 0)
        {
            throw new UsageException("--writes must be 0 or more");
        }
    }

    /// <summary>"50M", "50MB/s", "52428800 B/s": bytes per second, more than 0.</summary>
    private static long Bandwidth(string text)
    {
        string t = text.Trim();
        foreach (string suffix in new[] { "B/s", "/s", "B" })
        {
            if (t.Length > suffix.Length && t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                t = t[..^suffix.Length].TrimEnd();
                break;
            }
        }

        long value = Sizes.Parse(t, "--bandwidth");
        return value > 0 ? value : throw new UsageException("--bandwidth must be more than 0 bytes per second");
    }

    private static (long First, long Count)? Range(FaultOptions o, int disk, long sectors)
    {
        if (o.Sectors != null && (o.Offset != null || o.Length != null))
        {
            throw new UsageException("give the range either as --sectors A-B or as --offset and --length, not both");
        }

        (long First, long Count)? range;
        if (o.Sectors != null)
        {
            range = Sectors(o.Sectors);
        }
        else if (o.Offset != null || o.Length != null)
        {
            if (o.Offset == null || o.Length == null)
            {
                throw new UsageException("--offset and --length go together");
            }

            long offset = Sizes.Parse(o.Offset, "--offset");
            long length = Sizes.Parse(o.Length, "--length");
            if (offset % Fault.SectorBytes != 0 || length % Fault.SectorBytes != 0)
            {
                throw new UsageException("--offset and --length must be multiples of 512 (faults cover whole sectors)");
            }

            range = length > 0 ? (offset / Fault.SectorBytes, length / Fault.SectorBytes) : throw new UsageException("--length must be more than 0");
        }
        else
        {
            return null;
        }

        var (first, count) = range.Value;
        if (first >= sectors || count > sectors - first)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"sectors {first}-{first + count - 1} run past the end of disk {disk}'s data area (sectors 0-{sectors - 1})"));
        }

        return range;
    }

    /// <summary>"A-B" inclusive, or "A" for one sector.</summary>
    private static (long First, long Count) Sectors(string text)
    {
        string[] parts = text.Split('-');
        if (parts.Length is < 1 or > 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long first)
            || !long.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out long last))
        {
            throw new UsageException($"--sectors '{text}' is not a range: use A-B (first and last sector, inclusive) or A");
        }

        return last >= first ? (first, last - first + 1) : throw new UsageException($"--sectors '{text}': the last sector comes before the first");
    }
}
