using System.Globalization;
using System.Text.Json;
using RaidEmu.Core.Faults;

namespace RaidEmu.Cli.Commands;

/// <summary>Fault kinds by their command-line names, and one fault as one line of text.</summary>
internal static class FaultText
{
    private static readonly Dictionary<string, FaultKind> s_kinds =
        Enum.GetValues<FaultKind>().ToDictionary(Name, k => k, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every kind's name, as the command line and <c>faults.json</c> spell them.</summary>
    public static string KindNames => string.Join(", ", s_kinds.Keys);

    /// <summary>The kebab-case name: <c>fail-after</c>.</summary>
    public static string Name(FaultKind kind) => JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());

    public static bool TryParse(string name, out FaultKind kind) => s_kinds.TryGetValue(name.Trim(), out kind);

    /// <summary>The range, or "whole disk".</summary>
    public static string Range(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        return fault.FirstSector is long first
            ? string.Create(CultureInfo.InvariantCulture, $"sectors {first}-{first + (fault.SectorCount ?? 1) - 1}")
            : "whole disk";
    }

    /// <summary>The kind's parameters, comma-separated; empty when it has none.</summary>
    public static string Parameters(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var c = CultureInfo.InvariantCulture;
        string?[] parts =
        [
            fault.LatencyMs is { } latency ? string.Create(c, $"latency {latency} ms") : null,
            fault.JitterMs is { } jitter ? string.Create(c, $"jitter {jitter} ms") : null,
            fault.BytesPerSecond is { } bandwidth ? string.Create(c, $"bandwidth {bandwidth} bytes/s") : null,
            fault.Rate is { } rate ? string.Create(c, $"rate {rate}") : null,
            fault.DurationMs is { } ms ? string.Create(c, $"{ms} ms") : null,
            fault.AfterWrites is { } writes ? string.Create(c, $"after {writes} writes") : null,
            fault.AfterBytes is { } bytes ? string.Create(c, $"after {bytes} bytes") : null,
            FaultSpec.TakesSeed(fault.Kind) ? string.Create(c, $"seed {fault.Seed}") : null,
        ];
        return string.Join(", ", parts.OfType<string>());
    }

    /// <summary>"fault 3: unreadable, sectors 100-107" with the kind's parameters.</summary>
    public static string Describe(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        string parameters = Parameters(fault);
        return string.Create(CultureInfo.InvariantCulture, $"fault {fault.Id}: {Name(fault.Kind)}, {Range(fault)}{(parameters.Length > 0 ? ", " + parameters : "")}");
    }
}
