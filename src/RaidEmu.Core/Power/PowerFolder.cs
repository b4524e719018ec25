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
