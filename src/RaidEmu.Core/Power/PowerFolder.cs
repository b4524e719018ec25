using System.Text.Json;
using System.Text.Json.Serialization;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Power;

/// <summary>The power subsystem's state beside an array's members: <c>power.json</c> (emulator state, never in md's fields).</summary>
public static class PowerFolder
{
    /// <summary>The file's name inside an array folder.</summary>
    public const string FileName = "power.json";

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The saved state, or a new array's default: two 800 W supplies sharing.</summary>
    public static PowerSnapshot? Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<PowerSnapshot>(File.ReadAllText(path), s_json)
                ?? throw new IOException($"{path} is empty");
        }
        catch (JsonException ex)
        {
            throw new IOException($"{path} is not a valid power configuration: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Only the saved rail state, or null without a saved state: what every offline verb checks before it opens the
    /// array. Read from the parsed document rather than by deserializing the whole snapshot, whose reflection-built
    /// metadata compiled hundreds of methods and cost a short verb on a once-served array about 100 ms. A file this
    /// cannot read goes through <see cref="Read"/>, so errors and defaults are the same.
    /// </summary>
    public static RailState? ReadRail(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("rail", out var rail)
                && rail.ValueKind == JsonValueKind.String
                && Enum.TryParse<RailState>(rail.GetString(), ignoreCase: true, out var state)
                && Enum.IsDefined(state))
            {
                return state;
            }
        }
        catch (JsonException)
        {
        }

        return Read(folder)?.Rail;
    }

    /// <summary>
    /// The subsystem for <paramref name="array"/>, from the saved state (or the default), logging to the array's
    /// event log; on the system clock it is paced in real time, as a real array lives through its power events.
    /// </summary>
    public static PowerSubsystem Load(string folder, RaidArray array, PowerConfig? replace = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(array);
        var saved = Read(folder);
        var time = clock ?? TimeProvider.System;
        return new PowerSubsystem(
            replace ?? saved?.Config ?? new PowerConfig(),
            array.Members.Count,
            array.Uuid,
            new EventLog(ArrayFolder.EventLogPath(folder)),
            () => array.EventCount,
            time,
            replace == null ? saved?.Supplies : null,
            replace == null ? saved?.Rail ?? RailState.Good : RailState.Good)
        {
            Pacer = time == TimeProvider.System ? new RealTimePacer(time) : null,
        };
    }

    /// <summary>Saves the subsystem's state atomically.</summary>
    public static void Save(string folder, PowerSubsystem power)
    {
        ArgumentNullException.ThrowIfNull(power);
        string path = Path.Combine(folder, FileName);
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(power.Snapshot(), s_json));
        File.Move(temp, path, overwrite: true);
    }
}
