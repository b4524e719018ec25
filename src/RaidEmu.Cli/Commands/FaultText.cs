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
        var parts = new List<string>();
        var c = CultureInfo.InvariantCulture;
        if (fault.LatencyMs is { } latency)
        {
            parts.Add(string.Create(c, $"latency {latency} ms"));
        }

        if (fault.JitterMs is { } jitter)
        {
            parts.Add(string.Create(c, $"jitter {jitter} ms"));
        }

        if (fault.BytesPerSecond is { } bandwidth)
        {
            parts.Add(string.Create(c, $"bandwidth {bandwidth} bytes/s"));
        }

        if (fault.Rate is { } rate)
        {
            parts.Add(string.Create(c, $"rate {rate}"));
        }

        if (fault.DurationMs is { } ms)
        {
            parts.Add(string.Create(c, $"{ms} ms"));
        }

        if (fault.AfterWrites is { } writes)
        {
            parts.Add(string.Create(c, $"after {writes} writes"));
        }

        if (fault.AfterBytes is { } bytes)
        {
            parts.Add(string.Create(c, $"after {bytes} bytes"));
        }

        if (FaultSpec.TakesSeed(fault.Kind))
        {
            parts.Add(string.Create(c, $"seed {fault.Seed}"));
        }

        return string.Join(", ", parts);
    }

    /// <summary>"fault 3: unreadable, sectors 100-107" with the kind's parameters.</summary>
    public static string Describe(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        string parameters = Parameters(fault);
        return string.Create(CultureInfo.InvariantCulture, $"fault {fault.Id}: {Name(fault.Kind)}, {Range(fault)}{(parameters.Length > 0 ? ", " + parameters : "")}");
    }
}
