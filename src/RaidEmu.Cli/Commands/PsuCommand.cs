using System.Globalization;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Events;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Power;

namespace RaidEmu.Cli.Commands;

/// <summary>raidemu psu: configure the power supplies, inject their failures, and report them.</summary>
internal static class PsuCommand
{
    private static readonly string[] s_supplyActions = ["fail", "pull", "insert", "unplug", "plug", "repair", "predict", "promote"];

    private static readonly Dictionary<string, Action<PowerSubsystem, PsuOptions>> s_actions = new()
    {
        ["setup"] = (p, _) => p.ReportSetup(),
        ["fail"] = (p, o) => p.Fail(o.Supply!),
        ["pull"] = (p, o) => p.Pull(o.Supply!),
        ["insert"] = (p, o) => p.Insert(o.Supply!, o.Capacity),
        ["unplug"] = (p, o) => p.Unplug(o.Supply!),
        ["plug"] = (p, o) => p.Plug(o.Supply!),
        ["repair"] = (p, o) => p.Repair(o.Supply!),
        ["predict"] = (p, o) => p.Predict(o.Supply!),
        ["promote"] = (p, o) => p.Promote(o.Supply!),
        ["outage"] = (p, o) => p.Outage(o.Ms!.Value, o.Feed),
        ["load"] = (p, o) => p.SetBaseLoad(o.Watts!.Value),
    };

    /// <summary>The flag that sets each parameter the power model's rules name.</summary>
    private static readonly Dictionary<string, string> s_flags = new(StringComparer.Ordinal)
    {
        [nameof(PowerConfig.Mode)] = "--mode",
        [nameof(PowerConfig.Supplies)] = "--supplies",
        [nameof(PowerConfig.CapacityWatts)] = "--capacity",
        [nameof(PowerConfig.MinNeeded)] = "--min-needed",
        [nameof(PowerConfig.HoldupMs)] = "--holdup-ms",
        [nameof(PowerConfig.WakeMs)] = "--wake-ms",
        [nameof(PowerConfig.Feeds)] = "--feeds",
        [nameof(PowerConfig.BaseLoadWatts)] = "--base-load",
        [nameof(PowerConfig.CappingCorrectionMs)] = "--correction-ms",
        ["ms"] = "--ms",
        ["feed"] = "--feed",
        ["watts"] = "--watts",
        ["capacityWatts"] = "--capacity",
    };

    public static int Run(PsuOptions o)
    {
        try
        {
            return Execute(o);
        }
        catch (PowerArgumentException ex) when (ex.ParamName != null && s_flags.ContainsKey(ex.ParamName))
        {
            throw new UsageException($"{s_flags[ex.ParamName]} {ex.Rule}");
        }
    }

    private static int Execute(PsuOptions o)
    {
        string action = o.Action.ToLowerInvariant();
        if (action != "status" && !s_actions.ContainsKey(action))
        {
            throw new UsageException($"unknown psu action '{o.Action}': use setup, status, fail, pull, insert, unplug, plug, repair, predict, outage, load or promote");
        }

        if (s_supplyActions.Contains(action) && string.IsNullOrEmpty(o.Supply))
        {
            throw new UsageException($"psu {action} needs --supply ID (A, B, ...)");
        }

        CheckNumbers(action, o);
        var config = action == "setup" ? Setup(o) : null;
        string log = ArrayFolder.EventLogPath(o.Array);
        int before = File.Exists(log) ? EventLog.Read(log).Count : 0;
        using (var handle = CommandContext.Current.Arrays.OpenPower(o.Array, change: action != "status", config))
        {
            var power = handle.Power;
            if (action == "status")
            {
                Json.PrintOr(o.Json, Report(power), Print);
                return ExitCodes.Ok;
            }

            s_actions[action](power, o);
            var output = CommandContext.Current.Out;
            foreach (var e in EventLog.Read(log).Skip(before))
            {
                output.WriteLine(EventsCommand.Format(e));
            }

            output.WriteLine($"rail {power.Rail}, group {power.GroupStatus}, load {power.LoadWatts:0} W of {power.CapacityWatts:0} W");
        }

        return ExitCodes.Ok;
    }

    /// <summary>The action's own numbers, by the power model's rules, before the model is even opened: a bad one changes nothing.</summary>
    private static void CheckNumbers(string action, PsuOptions o)
    {
        switch (action)
        {
            case "outage":
                PowerRules.ValidateOutageLength(o.Ms ?? throw new UsageException("psu outage needs --ms MS"));
                break;
            case "load":
                PowerRules.ValidateLoad(o.Watts ?? throw new UsageException("psu load needs --watts WATTS"));
                break;
            case "insert" when o.Capacity is { } rating:
                PowerRules.ValidateRating(rating);
                break;
        }
    }

    private static PowerConfig Setup(PsuOptions o)
    {
        var defaults = new PowerConfig();
        var mode = o.Mode?.ToLowerInvariant() switch
        {
            null or "sharing" => RedundancyMode.Sharing,
            "n-plus-m" or "nplusm" => RedundancyMode.NPlusM,
            "failover" => RedundancyMode.Failover,
            "sparing" => RedundancyMode.Sparing,
            _ => throw new UsageException($"unknown --mode '{o.Mode}': use sharing, n-plus-m, failover or sparing"),
        };
        bool capping = OnOff(o.Capping, "--capping");
        bool hotSpare = OnOff(o.HotSpare, "--hot-spare");
        var config = new PowerConfig
        {
            Mode = mode,
            Supplies = o.Supplies ?? defaults.Supplies,
            CapacityWatts = o.Capacity ?? defaults.CapacityWatts,
            MinNeeded = o.MinNeeded ?? defaults.MinNeeded,
            HoldupMs = Times(o.HoldupMs, "--holdup-ms", defaults.HoldupMs, out var holdups),
            HoldupOverrides = holdups,
            WakeMs = Times(o.WakeMs, "--wake-ms", defaults.WakeMs, out var wakes),
            WakeOverrides = wakes,
            Feeds = o.Feeds ?? defaults.Feeds,
            BaseLoadWatts = o.BaseLoad ?? defaults.BaseLoadWatts,
            Capping = capping,
            CappingCorrectionMs = o.CorrectionMs ?? defaults.CappingCorrectionMs,
            HotSpare = hotSpare,
        };
        PowerRules.Validate(config);
        return config;
    }

    /// <summary>"12" or "12,A=20,B=16": a default time and per-supply overrides, in ms.</summary>
    private static double Times(string? text, string option, double fallback, out Dictionary<string, double> overrides)
    {
        overrides = [];
        if (text == null)
        {
            return fallback;
        }

        double all = fallback;
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] pair = part.Split('=', 2);
            string number = pair[^1];
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms)
                || (pair.Length == 2 && (pair[0].Length != 1 || !char.IsAsciiLetter(pair[0][0]))))
            {
                throw new UsageException($"{option} '{text}' is not MS or MS,ID=MS,... (for example 12,A=20)");
            }

            if (pair.Length == 2)
            {
                overrides[pair[0].ToUpperInvariant()] = ms;
            }
            else
            {
                all = ms;
            }
        }

        return all;
    }

    private static bool OnOff(string? value, string option) => value?.ToLowerInvariant() switch
    {
        null or "off" => false,
        "on" => true,
        _ => throw new UsageException($"{option} takes on or off, not '{value}'"),
    };

    public static string ModeName(RedundancyMode mode) => mode switch
    {
        RedundancyMode.NPlusM => "n-plus-m",
        _ => mode.ToString().ToLowerInvariant(),
    };

    private static PsuReport Report(PowerSubsystem p) => new(
        ModeName(p.Config.Mode),
        p.Rail.ToString(),
        Math.Round(p.LoadWatts, 1),
        Math.Round(p.DemandWatts, 1),
        p.CapacityWatts,
        p.GroupStatus.ToString(),
        p.Capped,
        p.Config.MinNeeded,
        p.Config.HoldupMs,
        p.Config.WakeMs,
        [.. p.Supplies.Select(s => new SupplyReport(s.Id, s.State.ToString(), s.Health, s.InputNormal ? "Normal" : "LossOfInput",
            Math.Round(s.OutputWatts, 1), Math.Round(s.InputWatts, 1), s.CapacityWatts, s.Feed))]);

    private static void Print(PsuReport r)
    {
        var output = CommandContext.Current.Out;
        output.WriteLine($"mode:    {r.Mode} (min needed {r.MinNeeded}, hold-up {r.HoldupMs.ToString(CultureInfo.InvariantCulture)} ms, standby wake {r.WakeMs.ToString(CultureInfo.InvariantCulture)} ms)");
        output.WriteLine($"rail:    {r.Rail}");
        output.WriteLine($"group:   {r.GroupStatus}");
        output.WriteLine($"load:    {r.LoadWatts:0} W of {r.CapacityWatts:0} W{(r.Capped ? $" (capped; {r.DemandWatts:0} W asked)" : "")}");
        output.WriteLine();
        output.WriteLine("SUPPLY  STATE               HEALTH    INPUT        OUTPUT   AC IN    CAPACITY  FEED");
        foreach (var s in r.Supplies)
        {
            output.WriteLine($"{s.Id,-7} {s.State,-19} {s.Health,-9} {s.Input,-12} {s.OutputWatts,5:0} W  {s.InputWatts,5:0} W  {s.CapacityWatts,5:0} W   {s.Feed}");
        }
    }
}
