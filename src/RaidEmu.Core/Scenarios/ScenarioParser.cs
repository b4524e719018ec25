using System.Globalization;
using System.Text.Json;
using RaidEmu.Core.Faults;
using RaidEmu.Core.Integrity;
using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid5;

namespace RaidEmu.Core.Scenarios;

/// <summary>
/// Reads a scenario file strictly: an unknown property, action or fault kind is an error naming it, so a typo
/// never turns into an experiment that silently does less than it says.
/// </summary>
public static class ScenarioParser
{
    private static readonly string[] s_actions = ["fault", "clear-faults", "fail", "remove", "add", "re-add", "rebuild", "check", "repair", "power-cut", "restart"];

    /// <summary>Parses <paramref name="json"/>.</summary>
    /// <exception cref="ScenarioFormatException">The text is not a valid scenario.</exception>
    public static Scenario Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ScenarioFormatException($"not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = Object(document.RootElement, "the scenario");
            Only(root, "scenario", "name", "description", "array", "seed", "workload", "actions", "expect");
            var array = root.TryGetProperty("array", out var a) ? ParseArray(a) : new ScenarioArray();
            var workload = root.TryGetProperty("workload", out var w) ? ParseWorkload(w, array) : new ScenarioWorkload();
            long seed = root.TryGetProperty("seed", out var s) ? Long(s, "seed") : 1;
            var actions = new List<ScenarioAction>();
            if (root.TryGetProperty("actions", out var list))
            {
                foreach (var (item, i) in Array(list, "actions").EnumerateArray().Select((e, i) => (e, i)))
                {
                    actions.Add(ParseAction(item, $"actions[{i}]", workload.OpCount, seed + i + 1));
                }
            }

            return new Scenario
            {
                Name = root.TryGetProperty("name", out var n) ? String(n, "name") : throw new ScenarioFormatException("the scenario has no \"name\""),
                Description = root.TryGetProperty("description", out var d) ? String(d, "description") : "",
                Array = array,
                Seed = seed,
                Workload = workload,
                Actions = [.. actions.OrderBy(x => x.AtOp)],
                Expect = root.TryGetProperty("expect", out var e) ? ParseExpect(e) : new ScenarioExpect(),
            };
        }
    }

    private static ScenarioArray ParseArray(JsonElement e)
    {
        Only(Object(e, "array"), "array", "level", "disks", "spares", "size", "chunk", "layout", "profile", "bitmap", "integrity");
        var level = e.TryGetProperty("level", out var l) ? Long(l, "array.level") switch
        {
            1 => RaidLevel.Raid1,
            5 => RaidLevel.Raid5,
            var other => throw new ScenarioFormatException($"array.level {other}: use 1 or 5"),
        } : RaidLevel.Raid5;
        var layout = Raid5Algorithm.LeftSymmetric;
        if (e.TryGetProperty("layout", out var lay) && !Raid5Layout.TryParse(String(lay, "array.layout"), out layout))
        {
            throw new ScenarioFormatException($"array.layout '{lay.GetString()}': use left-symmetric, left-asymmetric, right-symmetric or right-asymmetric");
        }

        string profile = e.TryGetProperty("profile", out var p) ? String(p, "array.profile") : "none";
        if (profile is not ("none" or "hdd" or "ssd" or "nvme"))
        {
            throw new ScenarioFormatException($"array.profile '{profile}': use none, hdd, ssd or nvme");
        }

        var integrity = IntegrityAlgorithm.None;
        if (e.TryGetProperty("integrity", out var sums))
        {
            integrity = BlockTags.Parse(String(sums, "array.integrity")) ?? throw new ScenarioFormatException($"array.integrity '{sums.GetString()}': use none, xxh3 or crc32c");
        }

        return new ScenarioArray
        {
            Integrity = integrity,
            Level = level,
            Disks = (int)Range(e, "disks", "array.disks", 2, 32, 3),
            Spares = (int)Range(e, "spares", "array.spares", 0, 8, 0),
            DiskBytes = e.TryGetProperty("size", out var size) ? Bytes(size, "array.size") : new ScenarioArray().DiskBytes,
            ChunkBytes = e.TryGetProperty("chunk", out var c) ? (int)Bytes(c, "array.chunk") : new ScenarioArray().ChunkBytes,
            Layout = layout,
            Profile = profile,
            Bitmap = e.TryGetProperty("bitmap", out var b) && Bool(b, "array.bitmap"),
        };
    }

    private static ScenarioWorkload ParseWorkload(JsonElement e, ScenarioArray array)
    {
        Only(Object(e, "workload"), "workload", "pattern", "bytes", "block", "ops", "readBack");
        var pattern = e.TryGetProperty("pattern", out var p) ? String(p, "workload.pattern") switch
        {
            "sequential" => WorkloadPattern.Sequential,
            "random" => WorkloadPattern.Random,
            var other => throw new ScenarioFormatException($"workload.pattern '{other}': use sequential or random"),
        } : WorkloadPattern.Sequential;
        var workload = new ScenarioWorkload
        {
            Pattern = pattern,
            RegionBytes = e.TryGetProperty("bytes", out var b) ? Bytes(b, "workload.bytes") : new ScenarioWorkload().RegionBytes,
            BlockBytes = e.TryGetProperty("block", out var k) ? (int)Bytes(k, "workload.block") : new ScenarioWorkload().BlockBytes,
            Ops = e.TryGetProperty("ops", out var o) ? Long(o, "workload.ops") : null,
            ReadBack = e.TryGetProperty("readBack", out var r) && Bool(r, "workload.readBack"),
        };
        if (workload.BlockBytes % 4096 != 0 || workload.BlockBytes > 16 << 20)
        {
            throw new ScenarioFormatException($"workload.block {workload.BlockBytes}: use a multiple of 4 KiB up to 16 MiB");
        }

        if (workload.RegionBytes < workload.BlockBytes || workload.RegionBytes % workload.BlockBytes != 0)
        {
            throw new ScenarioFormatException($"workload.bytes {workload.RegionBytes}: use a whole number of blocks ({workload.BlockBytes} bytes each)");
        }

        // Checked against the smallest volume the members allow; the runner checks the real one again.
        long members = array.Level == RaidLevel.Raid5 ? array.Disks - 1 : 1;
        if (workload.RegionBytes > array.DiskBytes * members)
        {
            throw new ScenarioFormatException($"workload.bytes {workload.RegionBytes} is more than the array holds");
        }

        if (workload.OpCount is < 1 or > 100_000_000)
        {
            throw new ScenarioFormatException($"workload.ops {workload.OpCount}: use 1 to 100000000");
        }

        return workload;
    }

    private static ScenarioAction ParseAction(JsonElement e, string where, long ops, long seed)
    {
        Object(e, where);
        string what = e.TryGetProperty("do", out var d) ? String(d, $"{where}.do") : throw new ScenarioFormatException($"{where} has no \"do\"");
        if (!s_actions.Contains(what))
        {
            throw new ScenarioFormatException($"{where}: unknown action '{what}': use {string.Join(", ", s_actions)}");
        }

        long at;
        if (e.TryGetProperty("atOp", out var op))
        {
            at = Long(op, $"{where}.atOp");
        }
        else if (e.TryGetProperty("atPercent", out var pc))
        {
            double percent = pc.ValueKind == JsonValueKind.Number ? pc.GetDouble() : throw new ScenarioFormatException($"{where}.atPercent must be a number");
            at = (long)Math.Floor(percent * ops / 100);
            at = percent is >= 0 and <= 100 ? at : -1;
        }
        else
        {
            throw new ScenarioFormatException($"{where} ({what}) says neither \"atOp\" nor \"atPercent\"");
        }

        if (at < 0 || at > ops)
        {
            throw new ScenarioFormatException($"{where} ({what}): the point must be within the workload (op 0 to {ops}, or 0 to 100 percent)");
        }

        string[] allowed = what switch
        {
            "fault" => ["disk", "kind", "sectors", "latencyMs", "jitterMs", "bytesPerSecond", "rate", "durationMs", "afterWrites", "afterBytes", "seed"],
            "clear-faults" => ["disk"],
            "fail" or "remove" or "re-add" => ["disk"],
            "rebuild" => ["unitsPerOp"],
            _ => [],
        };
        Only(e, where, [.. allowed, "do", "atOp", "atPercent", "note"]);
        int? disk = e.TryGetProperty("disk", out var dk) ? (int)Long(dk, $"{where}.disk") : null;
        if (disk == null && what is "fail" or "remove" or "re-add" or "fault")
        {
            throw new ScenarioFormatException($"{where} ({what}) needs \"disk\"");
        }

        return new ScenarioAction
        {
            Do = what,
            AtOp = at,
            Disk = disk,
            Fault = what == "fault" ? ParseFault(e, where, disk!.Value, seed) : null,
            UnitsPerOp = e.TryGetProperty("unitsPerOp", out var u) ? (int)Long(u, $"{where}.unitsPerOp") : 0,
        };
    }

    private static Fault ParseFault(JsonElement e, string where, int disk, long seed)
    {
        string name = e.TryGetProperty("kind", out var k) ? String(k, $"{where}.kind") : throw new ScenarioFormatException($"{where} (fault) needs \"kind\"");
        var kinds = Enum.GetValues<FaultKind>().ToDictionary(Kebab);
        if (!kinds.TryGetValue(name, out var kind))
        {
            throw new ScenarioFormatException($"{where}: unknown fault kind '{name}': use {string.Join(", ", kinds.Keys)}");
        }

        long? first = null;
        long? count = null;
        if (e.TryGetProperty("sectors", out var s))
        {
            string[] parts = String(s, $"{where}.sectors").Split('-');
            if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long a)
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long b) || b < a)
            {
                throw new ScenarioFormatException($"{where}.sectors '{s.GetString()}': use A-B, 512-byte sectors of the data area, inclusive");
            }

            first = a;
            count = b - a + 1;
        }

        double? rate = e.TryGetProperty("rate", out var r) ? Number(r, $"{where}.rate") : null;
        if (rate is < 0 or > 1)
        {
            throw new ScenarioFormatException($"{where}.rate {rate}: use 0 to 1");
        }

        return new Fault
        {
            Disk = disk,
            Kind = kind,
            FirstSector = first,
            SectorCount = count,
            LatencyMs = e.TryGetProperty("latencyMs", out var lat) ? Number(lat, $"{where}.latencyMs") : null,
            JitterMs = e.TryGetProperty("jitterMs", out var jit) ? Number(jit, $"{where}.jitterMs") : null,
            BytesPerSecond = e.TryGetProperty("bytesPerSecond", out var bps) ? Bytes(bps, $"{where}.bytesPerSecond") : null,
            Rate = rate,
            DurationMs = e.TryGetProperty("durationMs", out var dur) ? (int)Long(dur, $"{where}.durationMs") : null,
            AfterWrites = e.TryGetProperty("afterWrites", out var aw) ? Long(aw, $"{where}.afterWrites") : null,
            AfterBytes = e.TryGetProperty("afterBytes", out var ab) ? Bytes(ab, $"{where}.afterBytes") : null,
            Seed = e.TryGetProperty("seed", out var sd) ? Long(sd, $"{where}.seed") : seed,
        };
    }

    private static ScenarioExpect ParseExpect(JsonElement e)
    {
        Only(Object(e, "expect"), "expect", "lostBytes", "wrongBytes", "wrongBecause", "events", "state", "scrubs");
        ArrayState? state = null;
        if (e.TryGetProperty("state", out var st))
        {
            string name = String(st, "expect.state");
            state = Enum.TryParse<ArrayState>(name, ignoreCase: true, out var parsed) && !int.TryParse(name, CultureInfo.InvariantCulture, out _)
                ? parsed
                : throw new ScenarioFormatException($"expect.state '{name}': use optimal, degraded, recovering, resyncing or failed");
        }

        var wrong = e.TryGetProperty("wrongBytes", out var w) ? Expectation(w, "expect.wrongBytes") : new ByteExpectation(0, 0);
        string? because = e.TryGetProperty("wrongBecause", out var wb) ? String(wb, "expect.wrongBecause") : null;
        if (wrong is not { Min: 0, Max: 0 } && because == null)
        {
            throw new ScenarioFormatException("expect.wrongBytes other than 0 needs \"wrongBecause\": wrong bytes are a bug unless md makes them");
        }

        return new ScenarioExpect
        {
            LostBytes = e.TryGetProperty("lostBytes", out var l) ? Expectation(l, "expect.lostBytes") : new ByteExpectation(0, 0),
            WrongBytes = wrong,
            WrongBecause = because,
            Events = e.TryGetProperty("events", out var ev) ? [.. Array(ev, "expect.events").EnumerateArray().Select(x => String(x, "expect.events[]"))] : [],
            State = state,
            Scrubs = e.TryGetProperty("scrubs", out var sc) ? [.. Array(sc, "expect.scrubs").EnumerateArray().Select(x => Expectation(x, "expect.scrubs[]"))] : [],
        };
    }

    /// <summary>A number (exact), "all", or {"min": A, "max": B}.</summary>
    private static ByteExpectation Expectation(JsonElement e, string where)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String when e.GetString() == "all":
                return new ByteExpectation(null, null, All: true);
            case JsonValueKind.Object:
                Only(e, where, "min", "max");
                return new ByteExpectation(
                    e.TryGetProperty("min", out var min) ? Bytes(min, $"{where}.min") : null,
                    e.TryGetProperty("max", out var max) ? Bytes(max, $"{where}.max") : null);
            default:
                long exact = Bytes(e, where);
                return new ByteExpectation(exact, exact);
        }
    }

    private static string Kebab(FaultKind kind) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());

    private static JsonElement Object(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Object ? e : throw new ScenarioFormatException($"{where} must be a JSON object");

    private static JsonElement Array(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Array ? e : throw new ScenarioFormatException($"{where} must be a JSON list");

    private static void Only(JsonElement e, string where, params string[] names)
    {
        foreach (var property in e.EnumerateObject())
        {
            if (!names.Contains(property.Name))
            {
                throw new ScenarioFormatException($"{where}: unknown property \"{property.Name}\"");
            }
        }
    }

    private static long Range(JsonElement e, string name, string where, long min, long max, long fallback)
    {
        long value = e.TryGetProperty(name, out var v) ? Long(v, where) : fallback;
        return value >= min && value <= max ? value : throw new ScenarioFormatException($"{where} {value}: use {min} to {max}");
    }

    private static string String(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new ScenarioFormatException($"{where} must be a string");

    private static bool Bool(JsonElement e, string where) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new ScenarioFormatException($"{where} must be true or false"),
    };

    private static double Number(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Number && e.GetDouble() >= 0 ? e.GetDouble() : throw new ScenarioFormatException($"{where} must be a number of at least 0");

    private static long Long(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) && v >= 0 ? v : throw new ScenarioFormatException($"{where} must be a whole number of at least 0");

    /// <summary>A byte count: a number, or a string with K, M or G (powers of 1024).</summary>
    private static long Bytes(JsonElement e, string where)
    {
        if (e.ValueKind == JsonValueKind.Number)
        {
            return Long(e, where);
        }

        string text = String(e, where).Trim();
        long unit = text.Length > 0 ? char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 } : 1;
        string digits = unit == 1 ? text : text[..^1];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v <= long.MaxValue / unit
            ? v * unit
            : throw new ScenarioFormatException($"{where} '{text}' is not a size: use a whole number of bytes, optionally with K, M or G");
    }
}
