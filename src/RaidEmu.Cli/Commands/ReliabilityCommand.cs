using System.Globalization;
using System.Text.RegularExpressions;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Metadata;
using RaidEmu.Core.Reliability;

namespace RaidEmu.Cli.Commands;

/// <summary>
/// raidemu reliability: builds a model from the options (or from an array folder), and reports the exact
/// answer, the textbook approximations, and Monte Carlo, as text or as one JSON document.
/// </summary>
internal static partial class ReliabilityCommand
{
    private const int DefaultTrials = 10_000;

    private static readonly string[] s_methods = ["exact", "approx", "montecarlo", "all"];

    public static int Run(ReliabilityOptions o)
    {
        string method = (o.Method ?? "exact").ToLowerInvariant();
        if (!s_methods.Contains(method))
        {
            throw new UsageException($"unknown --method '{o.Method}': use exact, approx, montecarlo or all");
        }

        var report = new Dictionary<string, object?> { ["method"] = method };
        var text = new List<string>();
        if (o.Psu)
        {
            Supplies(o, method, report, text);
        }
        else
        {
            Disks(o, method, report, text);
        }

        if (o.Json)
        {
            Json.Print(report);
        }
        else
        {
            foreach (string line in text)
            {
                CommandContext.Current.Out.WriteLine(line);
            }
        }

        return ExitCodes.Ok;
    }

    private static void Disks(ReliabilityOptions o, string method, Dictionary<string, object?> report, List<string> text)
    {
        var facts = o.FromArray is { } folder ? ReadArray(folder) : null;
        int level = o.Level is { } l
            ? int.TryParse(l.ToLowerInvariant().Replace("raid", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) ? parsed : throw new UsageException($"--level '{l}' is not a RAID level: use 0, 1, 5, 6 or 10")
            : facts?.Level ?? throw new UsageException("reliability needs --level LEVEL (or --from-array ARRAY, or --psu)");
        int disks = o.Disks ?? facts?.Disks ?? throw new UsageException("reliability needs --disks N (or --from-array ARRAY)");
        var lifetime = ReadLifetime(o, o.Mttf, "--mttf");
        double capacity = o.Capacity is { } c ? Flag("--capacity", () => ReliabilityUnits.ParseBytes(c, "disk capacity")) : facts?.DiskBytes ?? 0;
        if (o.Ure is not null && o.Capacity is null && facts is null)
        {
            throw new UsageException("--ure needs --capacity SIZE: the chance of a read error grows with the bits a rebuild reads");
        }

        double? mttr = o.Mttr is { } m ? Flag("--mttr", () => ReliabilityUnits.ParseHours(m, "repair time")) : null;
        if (mttr is null && facts?.BytesPerSecond is { } rate)
        {
            mttr = capacity / rate / 3600;
        }

        var rebuild = ReadRebuild(o.Rebuild);
        var model = Flag("--ure", () => new DiskArrayModel(level, disks, lifetime, mttr, rebuild, capacity, o.Ure ?? 0), "URE rate");

        report["level"] = level;
        report["disks"] = disks;
        report["tolerates"] = model.Tolerated;
        Describe(report, lifetime);
        report["mttrHours"] = mttr;
        report["rebuild"] = mttr is null ? "none" : rebuild.ToString().ToLowerInvariant();
        if (capacity > 0)
        {
            report["capacityBytes"] = capacity;
            report["usableBytes"] = model.UsableBytes;
        }

        text.Add(string.Create(CultureInfo.InvariantCulture,
            $"RAID {level}, {disks} disks (survives {model.Tolerated} failed disk{(model.Tolerated == 1 ? "" : "s")}{(level == 10 ? ", more if they hit different pairs" : "")}), disk {LifetimeText(lifetime)}"));
        text.Add(mttr is { } hours
            ? $"rebuild: {Number(hours)} h, {rebuild.ToString().ToLowerInvariant()}, one disk at a time{(o.Mttr is null && facts != null ? $" (measured: {facts.Rebuild})" : "")}"
            : "rebuild: none (no --mttr): time until more disks have failed than the array survives");
        if (facts != null)
        {
            report["fromArray"] = new Dictionary<string, object?> { ["folder"] = o.FromArray, ["diskBytes"] = facts.DiskBytes, ["rebuildBytesPerSecond"] = facts.BytesPerSecond, ["rebuild"] = facts.Rebuild };
        }

        if (o.Ure is { } ure)
        {
            report["ure"] = ure;
            report["rebuildSuccessProbability"] = model.RebuildSuccessProbability;
            text.Add(string.Create(CultureInfo.InvariantCulture,
                $"UREs: {ure:0.##e0} per bit; a rebuild with no redundancy left reads {Number(model.CriticalBitsRead / 8e12)} TB and succeeds with probability {model.RebuildSuccessProbability:0.####}; a failed one loses data"));
        }

        text.Add("");
        Results(o, method, report, text, "mttdl", "MTTDL",
            () => model.ExactMeanTimeToLoss(out string how) is var v ? (v, how) : default,
            () => Approximations.For(model),
            (trials, seed) => MonteCarlo.MeanTimeToLoss(model, trials, seed),
            hours => ChainSolver.LossProbability(model.Chain, hours),
            (hours, trials, seed) => MonteCarlo.Mission(model, hours, trials, seed),
            model.UsableBytes > 0 ? hours => ChainSolver.ExpectedLostFraction(model.Chain, hours, model.Losses) : null);
        if (!lifetime.IsExponential && method != "montecarlo")
        {
            text.Add("note: the exact chain and the approximations assume exponential lifetimes with the Weibull mean; Monte Carlo uses the Weibull lifetimes");
        }
    }

    private static void Supplies(ReliabilityOptions o, string method, Dictionary<string, object?> report, List<string> text)
    {
        var mode = o.Mode?.ToLowerInvariant() switch
        {
            null or "sharing" => SupplyRedundancy.Sharing,
            "n-plus-m" or "nplusm" => SupplyRedundancy.NPlusM,
            "failover" => SupplyRedundancy.Failover,
            _ => throw new UsageException($"unknown --mode '{o.Mode}': use sharing, n-plus-m or failover"),
        };
        int supplies = o.Supplies ?? throw new UsageException("reliability --psu needs --supplies N");
        var lifetime = ReadLifetime(o, o.Mtbf ?? o.Mttf, o.Mtbf != null ? "--mtbf" : "--mttf");
        double? mttr = o.Mttr is { } m ? Flag("--mttr", () => ReliabilityUnits.ParseHours(m, "repair time")) : null;
        var repair = ReadRebuild(o.Rebuild);
        var model = Flag("--coverage", () => new SupplyGroupModel(mode, supplies, o.MinNeeded ?? 1, lifetime, mttr, repair, o.Coverage ?? 1), "switch coverage");
        string modeName = mode == SupplyRedundancy.NPlusM ? "n-plus-m" : mode.ToString().ToLowerInvariant();

        report["mode"] = modeName;
        report["supplies"] = supplies;
        report["minNeeded"] = model.MinNeeded;
        report["coverage"] = model.Coverage;
        Describe(report, lifetime);
        report["mttrHours"] = mttr;
        report["repair"] = mttr is null ? "none" : repair.ToString().ToLowerInvariant();
        text.Add(model.Standby
            ? $"{supplies} supplies, failover (passive redundancy): {model.MinNeeded} running, {model.Spares} cold standby; a takeover works with probability {Number(model.Coverage)}"
            : $"{supplies} supplies, {modeName} (active redundancy): all running and ageing, {model.MinNeeded} needed");
        text.Add($"supply {LifetimeText(lifetime)}; repair: {(mttr is { } h ? $"{Number(h)} h, {repair.ToString().ToLowerInvariant()}" : "none")}");
        text.Add("");
        Results(o, method, report, text, "mttf", "MTTF (rail)",
            () => (ChainSolver.MeanTimeToLoss(model.Chain), $"Markov chain, {model.Chain.States + 1} states"),
            () => Approximations.For(model),
            (trials, seed) => MonteCarlo.MeanTimeToLoss(model, trials, seed),
            hours => ChainSolver.LossProbability(model.Chain, hours),
            (hours, trials, seed) => MonteCarlo.Mission(model, hours, trials, seed),
            null);
    }

    /// <summary>The part of the report both kinds of system share: the three methods side by side, and the mission.</summary>
    private static void Results(
        ReliabilityOptions o,
        string method,
        Dictionary<string, object?> report,
        List<string> text,
        string key,
        string label,
        Func<(double Hours, string How)> exact,
        Func<IReadOnlyList<Approximation>> approximations,
        Func<int, ulong, MeanEstimate> monteCarlo,
        Func<double, double> lossProbability,
        Func<double, int, ulong, MissionEstimate> mission,
        Func<double, double>? lostFraction)
    {
        bool wantExact = method != "montecarlo";
        bool wantMonteCarlo = method is "montecarlo" or "all";
        int trials = o.Trials ?? DefaultTrials;
        ulong seed = o.Seed ?? 1;
        double? missionHours = o.Mission is { } mt ? Flag("--mission", () => ReliabilityUnits.ParseHours(mt, "mission time")) : null;
        if (trials < 2)
        {
            throw new UsageException($"--trials must be at least 2, not {trials}");
        }

        double? exactHours = null;
        if (wantExact)
        {
            var (hours, how) = exact();
            exactHours = hours;
            report[key + "Hours"] = hours;
            report["exactMethod"] = how;
            text.Add($"{label,-14} {Hours(hours),-34} exact ({how})");
        }

        if (method is "approx" or "all")
        {
            var list = approximations();
            report["approximations"] = list.Select(a => new Dictionary<string, object?>
            {
                ["name"] = a.Name,
                ["formula"] = a.Formula,
                ["hours"] = a.Hours,
                ["offByPercent"] = exactHours is { } e ? Math.Round(100 * (a.Hours - e) / e, 4) : null,
            }).ToList();
            foreach (var a in list)
            {
                text.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{"",-14} {Hours(a.Hours),-34} {a.Name}: {a.Formula} ({Off(a.Hours, exactHours!.Value)})"));
            }

            if (list.Count == 0)
            {
                text.Add($"{"",-14} (no approximation: {(o.Mttr is null && o.FromArray is null ? "without repair the exact value is itself a short sum" : "the exact value is already a one-line formula")})");
            }
        }

        var mc = new Dictionary<string, object?> { ["trials"] = trials, ["seed"] = seed };
        if (wantMonteCarlo)
        {
            try
            {
                var estimate = monteCarlo(trials, seed);
                mc[key + "Hours"] = estimate.Mean;
                mc[key + "HoursLow"] = estimate.Low;
                mc[key + "HoursHigh"] = estimate.High;
                report[key + "HoursLow"] = estimate.Low;
                report[key + "HoursHigh"] = estimate.High;
                if (!wantExact)
                {
                    report[key + "Hours"] = estimate.Mean;
                }

                text.Add($"{(wantExact ? "" : label),-14} {Hours(estimate.Mean),-34} Monte Carlo, {trials} trials, seed {seed}; 95 % interval {Number(estimate.Low)} – {Number(estimate.High)} h");
            }
            catch (ArrayRefusedException ex) when (missionHours != null || method == "all")
            {
                mc["note"] = ex.Message;
                text.Add($"{"",-14} Monte Carlo until loss skipped: {ex.Message}");
            }
        }

        if (missionHours is { } mission0)
        {
            report["missionHours"] = mission0;
            text.Add("");
            text.Add($"over {Number(mission0)} h ({Number(mission0 / ReliabilityUnits.HoursPerYear)} y):");
            if (wantExact)
            {
                double p = lossProbability(mission0);
                report["lossProbability"] = p;
                report["lossProbabilityFromMean"] = Approximations.MissionLoss(exactHours!.Value, mission0);
                text.Add($"  P(loss)      {Probability(p),-34} exact (transient chain{(o.Rebuild?.ToLowerInvariant() == "fixed" && (o.Mttr != null || o.FromArray != null) ? $", fixed rebuild from {ChainSolver.FixedRepairPhases} and {ChainSolver.FixedRepairPhases / 2} Erlang phases, extrapolated" : "")})");
                text.Add($"               {Probability(Approximations.MissionLoss(exactHours.Value, mission0)),-34} 1 − e^(−T/MTT{(key == "mttf" ? "F" : "DL")}), as if losses came at a steady rate");
                if (lostFraction != null)
                {
                    double perTb = lostFraction(mission0) * 1e12;
                    report["nomdlBytesPerUsableTb"] = perTb;
                    text.Add($"  NOMDL        {Number(perTb) + " bytes per usable TB",-34} exact (chain restored after each loss; every loss counted)");
                }
            }

            if (wantMonteCarlo)
            {
                var m = mission(mission0, trials, seed);
                mc["lossProbability"] = m.LossProbability;
                mc["lossProbabilityLow"] = m.LossProbabilityLow;
                mc["lossProbabilityHigh"] = m.LossProbabilityHigh;
                if (!wantExact)
                {
                    report["lossProbability"] = m.LossProbability;
                }

                text.Add($"  P(loss)      {Probability(m.LossProbability),-34} Monte Carlo: {m.Losses} of {m.Trials} trials; 95 % interval {Probability(m.LossProbabilityLow)} – {Probability(m.LossProbabilityHigh)}");
                if (lostFraction != null)
                {
                    // NOMDL: bytes lost per usable TB; the simulation keeps fractions of the usable data.
                    double perTb = m.LostFraction.Mean * 1e12;
                    mc["nomdlBytesPerUsableTb"] = perTb;
                    mc["nomdlBytesPerUsableTbLow"] = Math.Max(0, m.LostFraction.Low * 1e12);
                    mc["nomdlBytesPerUsableTbHigh"] = m.LostFraction.High * 1e12;
                    if (!wantExact)
                    {
                        report["nomdlBytesPerUsableTb"] = perTb;
                    }

                    // A loss rarer than one in the trials is usually not drawn at all, and then the interval cannot show it.
                    text.Add($"  NOMDL        {Number(perTb) + " bytes per usable TB",-34} Monte Carlo (95 % interval {Number(Math.Max(0, m.LostFraction.Low * 1e12))} – {Number(m.LostFraction.High * 1e12)}; blind to losses rarer than 1 in {trials} missions)");
                }
            }
        }

        if (wantMonteCarlo)
        {
            report["monteCarlo"] = mc;
        }
    }

    private static Lifetime ReadLifetime(ReliabilityOptions o, string? mttf, string mttfFlag)
    {
        int given = (mttf != null ? 1 : 0) + (o.Afr != null ? 1 : 0) + (o.Weibull != null ? 1 : 0);
        if (given != 1)
        {
            throw new UsageException(given == 0
                ? $"reliability needs the units' lifetime: {mttfFlag} HOURS, --afr PERCENT or --weibull SHAPE,SCALE"
                : $"give only one of {mttfFlag}, --afr and --weibull");
        }

        if (o.Weibull is { } w)
        {
            string[] parts = w.Split(',', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double shape))
            {
                throw new UsageException($"--weibull '{w}' is not SHAPE,SCALE (for example 1.2,1e6 or 1.2,100y)");
            }

            return Flag("--weibull", () => new Lifetime(shape, ReliabilityUnits.ParseHours(parts[1], "Weibull scale")).Validated());
        }

        if (o.Afr is { } afr)
        {
            return Flag("--afr", () => Lifetime.Exponential(ReliabilityUnits.RateFromAfr(afr / 100)));
        }

        return Flag(mttfFlag, () => Lifetime.Exponential(1 / ReliabilityUnits.ParseHours(mttf!, "mean time to failure")));
    }

    private static RebuildModel ReadRebuild(string? text) => text?.ToLowerInvariant() switch
    {
        null or "exponential" => RebuildModel.Exponential,
        "fixed" => RebuildModel.Fixed,
        _ => throw new UsageException($"unknown --rebuild '{text}': use exponential or fixed"),
    };

    private static void Describe(Dictionary<string, object?> report, Lifetime lifetime)
    {
        report["unitMttfHours"] = lifetime.MeanHours;
        report["failureRatePerHour"] = lifetime.EquivalentRate;
        report["afrPercent"] = 100 * ReliabilityUnits.AfrFromRate(lifetime.EquivalentRate);
        report["lifetime"] = lifetime.IsExponential ? "exponential" : string.Create(CultureInfo.InvariantCulture, $"weibull {lifetime.Shape},{lifetime.Scale}");
    }

    private static string LifetimeText(Lifetime lifetime) => string.Create(CultureInfo.InvariantCulture,
        $"MTTF {Number(lifetime.MeanHours)} h (AFR {100 * ReliabilityUnits.AfrFromRate(lifetime.EquivalentRate):0.###} %){(lifetime.IsExponential ? "" : $", Weibull shape {lifetime.Shape} scale {Number(lifetime.Scale)} h")}");

    /// <summary>Runs a Core call and puts the flag's name in front of its argument error.</summary>
    private static T Flag<T>(string flag, Func<T> parse, string? only = null)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException ex) when (only == null || ex.Message.StartsWith(only, StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"{flag}: {ex.Message}", ex);
        }
    }

    private static string Off(double value, double exact) => value / exact is var ratio && (ratio > 10 || ratio < 0.1)
        ? $"{Number(ratio)}× the exact value"
        : string.Create(CultureInfo.InvariantCulture, $"{100 * (value - exact) / exact:+0.###;-0.###;0} % from exact");

    private static string Hours(double hours) =>
        $"{Number(hours)} h ({Number(hours / ReliabilityUnits.HoursPerYear)} y)";

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "∞",
        0 => "0",
        _ when Math.Abs(value) >= 1e7 || Math.Abs(value) < 1e-3 => value.ToString("0.###e0", CultureInfo.InvariantCulture),
        _ when Math.Abs(value) >= 100 => value.ToString("#,0", CultureInfo.InvariantCulture),
        _ when Math.Abs(value) >= 1 => value.ToString("0.##", CultureInfo.InvariantCulture),
        _ => value.ToString("0.####", CultureInfo.InvariantCulture),
    };

    private static string Probability(double p) => p == 0 ? "0" : p < 1e-3 ? p.ToString("0.###e0", CultureInfo.InvariantCulture) : p.ToString("0.#####", CultureInfo.InvariantCulture);

    /// <summary>What an array folder says about itself: geometry from a member's superblock, the last rebuild from the event log.</summary>
    private sealed record ArrayFacts(int Level, int Disks, double DiskBytes, double? BytesPerSecond, string Rebuild);

    private static ArrayFacts ReadArray(string folder)
    {
        string path = CommandContext.Current.Path(folder);
        if (!Directory.Exists(path))
        {
            throw new UsageException($"--from-array: no array folder at {folder}");
        }

        Superblock? sb = null;
        foreach (string file in Directory.EnumerateFiles(path).Where(f => MemberName().IsMatch(System.IO.Path.GetFileName(f))).Order(StringComparer.Ordinal))
        {
            try
            {
                using var device = FileBlockDevice.Open(file, readOnly: true);
                sb = Superblock.Read(device, file);
                break;
            }
            catch (MetadataException)
            {
                // A member with a damaged superblock: another member says the same.
            }
        }

        if (sb == null)
        {
            throw new UsageException($"--from-array: {folder} holds no member with a readable superblock");
        }

        double diskBytes = sb.Size * 512.0;
        var events = EventLog.Read(System.IO.Path.Combine(path, EventLog.FileName));
        int done = events.Count - 1;
        while (done >= 0 && events[done].Type != EventTypes.RecoveryCompleted)
        {
            done--;
        }

        if (done < 0)
        {
            return new ArrayFacts(sb.Level, sb.RaidDisks, diskBytes, null, "no completed rebuild in the event log");
        }

        // The log has no "rebuild run began" event, so the run is taken to start at the last member change before
        // it completes (the member's RecoveryStarted, or a later add or removal): offline, one process at a time
        // changes an array, so a rebuild that completes after such a change ran after it ('add', then 'rebuild').
        // The figure includes that process's start-up; it would overstate the speed only if a live array's
        // background rebuild overlapped a member change.
        var completed = events[done];
        var begin = events.Take(done).LastOrDefault(e => e.Type is EventTypes.RecoveryStarted or EventTypes.MemberStale
            or EventTypes.SpareActivated or EventTypes.MemberAdded or EventTypes.MemberRemoved or EventTypes.MemberFailed);
        DateTimeOffset? start = begin?.Time;
        var resume = ResumedAt().Match(begin?.Member == completed.Member ? begin?.Details ?? "" : "");
        long resumedAt = resume.Success ? long.Parse(resume.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

        double seconds = start is { } s ? (completed.Time - s).TotalSeconds : 0;
        double bytes = diskBytes - resumedAt;
        if (!(seconds > 0) || !(bytes > 0))
        {
            return new ArrayFacts(sb.Level, sb.RaidDisks, diskBytes, null, "the last rebuild's duration cannot be read from the event log");
        }

        double rate = bytes / seconds;
        return new ArrayFacts(sb.Level, sb.RaidDisks, diskBytes, rate, string.Create(CultureInfo.InvariantCulture,
            $"disk {completed.Member} rebuilt {Number(bytes / 1048576)} MiB in {Number(seconds)} s = {Number(rate / 1e6)} MB/s, at {completed.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}"));
    }

    [GeneratedRegex(@"^disk\d+\.img$")]
    private static partial Regex MemberName();

    [GeneratedRegex(@"resuming at byte (\d+)")]
    private static partial Regex ResumedAt();
}
