using System.Text.Json;
using System.Text.Json.Serialization;

namespace RaidEmu.Core.Devices.Timing;

/// <summary>
/// The disk timing profile of an array, kept in <c>timing.json</c> beside the members: a named model
/// (<c>hdd</c>, <c>ssd</c>, <c>nvme</c>) and any of its parameters overridden. No file means no model: member
/// I/O runs at the host's page-cache speed.
/// </summary>
public sealed record TimingProfile
{
    /// <summary>The file's name inside an array folder.</summary>
    public const string FileName = "timing.json";

    /// <summary>The profile that applies no timing.</summary>
    public const string None = "none";

    /// <summary>Every profile name, <see cref="None"/> first.</summary>
    public static IReadOnlyList<string> Names { get; } = [None, "hdd", "ssd", "nvme"];

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The model's name: <c>hdd</c>, <c>ssd</c> or <c>nvme</c>.</summary>
    public string Profile { get; init; } = "hdd";

    /// <summary>Seed of the rotational waits; each disk mixes in its number.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Overrides <see cref="TimingModel.SeekMinMs"/>.</summary>
    public double? SeekMinMs { get; init; }

    /// <summary>Overrides <see cref="TimingModel.SeekMaxMs"/>.</summary>
    public double? SeekMaxMs { get; init; }

    /// <summary>Overrides <see cref="TimingModel.Rpm"/>.</summary>
    public int? Rpm { get; init; }

    /// <summary>Overrides <see cref="TimingModel.ReadLatencyUs"/>.</summary>
    public double? ReadLatencyUs { get; init; }

    /// <summary>Overrides <see cref="TimingModel.WriteLatencyUs"/>.</summary>
    public double? WriteLatencyUs { get; init; }

    /// <summary>Overrides <see cref="TimingModel.BytesPerSecond"/>.</summary>
    public long? BytesPerSecond { get; init; }

    /// <summary>Overrides <see cref="TimingModel.OneAtATime"/>.</summary>
    public bool? OneAtATime { get; init; }

    /// <summary>The path of <see cref="FileName"/> in <paramref name="folder"/>.</summary>
    public static string PathIn(string folder) => Path.Combine(folder, FileName);

    /// <summary>The profile called <paramref name="name"/>; null for <see cref="None"/>.</summary>
    /// <exception cref="ArgumentException">No profile has that name.</exception>
    public static TimingProfile? Named(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim().ToLowerInvariant();
        return key == None ? null
            : Names.Contains(key) ? new TimingProfile { Profile = key }
            : throw new ArgumentException($"unknown disk timing profile '{name}': use {string.Join(", ", Names)}");
    }

    /// <summary>The profile saved in <paramref name="folder"/>; null when there is none.</summary>
    /// <exception cref="IOException">The file exists but is not a timing profile.</exception>
    public static TimingProfile? Load(string folder)
    {
        string path = PathIn(folder);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var profile = JsonSerializer.Deserialize<TimingProfile>(File.ReadAllText(path), s_json)
                ?? throw new JsonException("empty");
            profile.Model();
            return profile;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new IOException($"{path} is not a valid disk timing profile ({ex.Message}); fix it or delete it to run at host speed", ex);
        }
    }

    /// <summary>Writes the profile to <paramref name="folder"/> atomically.</summary>
    public void Save(string folder)
    {
        string path = PathIn(folder);
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, s_json));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The model with the overrides applied.</summary>
    /// <exception cref="ArgumentException">The profile's name is unknown or a parameter is out of range.</exception>
    public TimingModel Model()
    {
        var model = Profile switch
        {
            "hdd" => TimingModel.Hdd,
            "ssd" => TimingModel.Ssd,
            "nvme" => TimingModel.Nvme,
            _ => throw new ArgumentException($"unknown disk timing profile '{Profile}': use {string.Join(", ", Names.Skip(1))}"),
        };
        model = model with
        {
            SeekMinMs = SeekMinMs ?? model.SeekMinMs,
            SeekMaxMs = SeekMaxMs ?? model.SeekMaxMs,
            Rpm = Rpm ?? model.Rpm,
            ReadLatencyUs = ReadLatencyUs ?? model.ReadLatencyUs,
            WriteLatencyUs = WriteLatencyUs ?? model.WriteLatencyUs,
            BytesPerSecond = BytesPerSecond ?? model.BytesPerSecond,
            OneAtATime = OneAtATime ?? model.OneAtATime,
        };
        if (model.SeekMinMs < 0 || model.SeekMaxMs < model.SeekMinMs || model.Rpm < 0 || model.ReadLatencyUs < 0
            || model.WriteLatencyUs < 0 || model.BytesPerSecond < 0)
        {
            throw new ArgumentException("a timing parameter is out of range (negative, or a full-stroke seek shorter than the minimum)");
        }

        return model;
    }
}
