using System.Globalization;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Events;
using RaidEmu.Core.Faults;

namespace RaidEmu.Cli.Commands;

/// <summary>raidemu fault: add, list and clear the faults injected into an array's members.</summary>
internal static class FaultCommand
{
    public static int Run(FaultOptions o) => o.Action.ToLowerInvariant() switch
    {
        "add" => Add(o),
        "list" => List(o),
        "clear" => Clear(o),
        _ => throw new UsageException($"unknown fault action '{o.Action}': use add, list or clear"),
    };

    private static int Add(FaultOptions o)
    {
        using var faults = CommandContext.Current.Arrays.OpenFaults(o.Array, change: true);
        var fault = faults.Set.Add(FaultSpec.Build(o, faults.DataSectors));
        faults.Record(EventTypes.FaultInjected, fault);
        Json.PrintOr(o.Json, FaultReport.From(fault), _ => CommandContext.Current.Out.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"disk {fault.Disk}: added {FaultText.Describe(fault)}")));
        return 0;
    }

    private static int List(FaultOptions o)
    {
        OnlyTakes(o, "list");
        using var faults = CommandContext.Current.Arrays.OpenFaults(o.Array, change: false);
        var all = faults.Set.Faults;
        if (o.Json)
        {
            Json.Print(all.Select(FaultReport.From).ToList());
        }
        else
        {
            Print(all);
        }

        return 0;
    }

    private static int Clear(FaultOptions o)
    {
        OnlyTakes(o, "clear", "--disk", "--id");
        using var faults = CommandContext.Current.Arrays.OpenFaults(o.Array, change: true);
        if (o.Disk is { } disk && !faults.DataSectors.ContainsKey(disk))
        {
            throw new UsageException($"array has no disk {disk} (its disks are {string.Join(", ", faults.DataSectors.Keys.Order())})");
        }

        if (o.Id is { } id)
        {
            var named = faults.Set.Faults.FirstOrDefault(f => f.Id == id) ?? throw new UsageException(faults.Set.Faults.Count == 0
                ? $"no fault {id}: the array has no faults"
                : $"no fault {id} (the faults are {string.Join(", ", faults.Set.Faults.Select(f => f.Id))})");
            if (o.Disk is { } on && named.Disk != on)
            {
                throw new UsageException($"fault {id} is on disk {named.Disk}, not disk {on}");
            }
        }

        var removed = faults.Set.Remove(f => (o.Disk == null || f.Disk == o.Disk) && (o.Id == null || f.Id == o.Id));
        foreach (var fault in removed)
        {
            faults.Record(EventTypes.FaultCleared, fault);
        }

        Json.PrintOr(o.Json, removed.Select(FaultReport.From).ToList(), _ =>
        {
            foreach (var fault in removed)
            {
                CommandContext.Current.Out.WriteLine($"disk {fault.Disk}: cleared {FaultText.Describe(fault)}");
            }

            if (removed.Count == 0)
            {
                CommandContext.Current.Out.WriteLine(o.Disk == null ? "no faults to clear" : $"no faults to clear on disk {o.Disk}");
            }
        });
        return 0;
    }

    /// <summary>The faults as a table, or a line saying there are none.</summary>
    private static void Print(IReadOnlyList<Fault> faults)
    {
        var output = CommandContext.Current.Out;
        if (faults.Count == 0)
        {
            output.WriteLine("no faults");
            return;
        }

        output.WriteLine("ID    DISK  KIND        RANGE                 PARAMETERS");
        foreach (var fault in faults)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{fault.Id,-5} {fault.Disk,-5} {FaultText.Name(fault.Kind),-11} {FaultText.Range(fault),-21} {FaultText.Parameters(fault)}").TrimEnd());
        }
    }

    /// <summary>Refuses the options only <c>fault add</c> takes.</summary>
    private static void OnlyTakes(FaultOptions o, string action, params string[] allowed)
    {
        (string Flag, object? Value)[] given =
        [
            ("--disk", o.Disk), ("--id", o.Id), ("--kind", o.Kind), ("--sectors", o.Sectors), ("--offset", o.Offset), ("--length", o.Length),
            ("--latency", o.Latency), ("--jitter", o.Jitter), ("--bandwidth", o.Bandwidth), ("--rate", o.Rate), ("--ms", o.Ms),
            ("--writes", o.Writes), ("--bytes", o.Bytes), ("--seed", o.Seed),
        ];
        foreach (var (flag, value) in given)
        {
            if (value != null && !allowed.Contains(flag))
            {
                throw new UsageException(action == "list"
                    ? $"fault list does not take {flag}"
                    : $"fault clear takes only --disk and --id, not {flag}");
            }
        }
    }
}
