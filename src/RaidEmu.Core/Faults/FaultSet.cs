using System.Text.Json;
using System.Text.Json.Serialization;

namespace RaidEmu.Core.Faults;

/// <summary>
/// The faults injected into one array, shared by the member devices that apply them and the commands that
/// change them; kept in <c>faults.json</c> beside the members (emulator state, never in md's fields). Safe
/// to use from many threads: readers get immutable snapshots.
/// </summary>
public sealed class FaultSet
{
    /// <summary>The file's name inside an array folder.</summary>
    public const string FileName = "faults.json";

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private readonly Lock _lock = new();

    // Saves come from commands and from the member devices' own changes at once; they share one temporary file.
    private readonly Lock _saveLock = new();
    private Fault[] _faults = [];
    private int _nextId = 1;
    private long _version;

    /// <summary>The faults now active, in the order they were added.</summary>
    public IReadOnlyList<Fault> Faults => Volatile.Read(ref _faults);

    /// <summary>Bumped on every change, so a device can cheaply notice one.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Raised after every change, outside the set's lock.</summary>
    public event EventHandler? Changed;

    /// <summary>
    /// Raised when a vanished member's window ends and its fault is removed from the set, outside the set's lock:
    /// a serving host re-adds the member then.
    /// </summary>
    public event EventHandler<FaultEventArgs>? Returned;

    /// <summary>The path of <see cref="FileName"/> in <paramref name="folder"/>.</summary>
    public static string PathIn(string folder) => Path.Combine(folder, FileName);

    /// <summary>The faults saved in <paramref name="folder"/>; an empty set when there is no file.</summary>
    /// <exception cref="IOException">The file exists but is not a fault list.</exception>
    public static FaultSet Load(string folder)
    {
        string path = PathIn(folder);
        var set = new FaultSet();
        if (!File.Exists(path))
        {
            return set;
        }

        Saved? saved;
        try
        {
            saved = JsonSerializer.Deserialize<Saved>(File.ReadAllText(path), s_json);
        }
        catch (JsonException ex)
        {
            throw new IOException($"{path} is not a valid fault list ({ex.Message}); fix it or delete it to clear every fault", ex);
        }

        if (saved?.Faults is null)
        {
            throw new IOException($"{path} is not a valid fault list; fix it or delete it to clear every fault");
        }

        set._faults = [.. saved.Faults];
        set._nextId = Math.Max(saved.NextId, set._faults.Length == 0 ? 1 : set._faults.Max(f => f.Id) + 1);
        return set;
    }

    /// <summary>Writes the set to <paramref name="folder"/> atomically.</summary>
    public void Save(string folder)
    {
        string path = PathIn(folder);
        string temp = path + ".tmp";
        lock (_saveLock)
        {
            Saved saved;
            lock (_lock)
            {
                saved = new Saved { NextId = _nextId, Faults = [.. _faults] };
            }

            File.WriteAllText(temp, JsonSerializer.Serialize(saved, s_json));
            File.Move(temp, path, overwrite: true);
        }
    }

    /// <summary>Adds <paramref name="fault"/> under a new id; returns it as stored.</summary>
    public Fault Add(Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        Fault stored;
        lock (_lock)
        {
            stored = fault with { Id = _nextId++ };
            _faults = [.. _faults, stored];
            Interlocked.Increment(ref _version);
        }

        Changed?.Invoke(this, EventArgs.Empty);
        return stored;
    }

    /// <summary>Replaces the fault with <paramref name="id"/> by <paramref name="replacements"/> (none removes it); false when absent.</summary>
    public bool Replace(int id, params Fault[] replacements)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        return Update(id, _ => replacements);
    }

    /// <summary>
    /// Replaces the fault with <paramref name="id"/> by what <paramref name="change"/> makes of its current value
    /// (none removes it), under the set's lock so concurrent changes never undo each other; false when absent
    /// or when <paramref name="change"/> returns null (no change).
    /// </summary>
    public bool Update(int id, Func<Fault, IReadOnlyList<Fault>?> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock)
        {
            int at = Array.FindIndex(_faults, f => f.Id == id);
            if (at < 0)
            {
                return false;
            }

            if (change(_faults[at]) is not { } replacements)
            {
                return false;
            }

            var kept = replacements.Select((f, i) => i == 0 ? f with { Id = id } : f with { Id = _nextId++ });
            _faults = [.. _faults[..at], .. kept, .. _faults[(at + 1)..]];
            Interlocked.Increment(ref _version);
        }

        Changed?.Invoke(this, EventArgs.Empty);
        return true;
    }

    /// <summary>Removes the spent vanish fault <paramref name="fault"/> and raises <see cref="Returned"/>; false when another caller did.</summary>
    internal bool Return(Fault fault)
    {
        if (Remove(f => f.Id == fault.Id).Count == 0)
        {
            return false;
        }

        Returned?.Invoke(this, new FaultEventArgs(fault));
        return true;
    }

    /// <summary>Removes the faults matching <paramref name="match"/>; returns those removed.</summary>
    public IReadOnlyList<Fault> Remove(Func<Fault, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        Fault[] removed;
        lock (_lock)
        {
            removed = [.. _faults.Where(match)];
            if (removed.Length == 0)
            {
                return removed;
            }

            _faults = [.. _faults.Where(f => !match(f))];
            Interlocked.Increment(ref _version);
        }

        Changed?.Invoke(this, EventArgs.Empty);
        return removed;
    }

    /// <summary>The faults on member <paramref name="disk"/>.</summary>
    public IEnumerable<Fault> For(int disk) => Faults.Where(f => f.Disk == disk);

    private sealed class Saved
    {
        public int NextId { get; set; } = 1;

        public List<Fault>? Faults { get; set; }
    }
}
