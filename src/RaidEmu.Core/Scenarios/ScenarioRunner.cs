using System.Diagnostics;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Faults;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Scenarios;

/// <summary>
/// Runs a <see cref="Scenario"/> in an array folder. The clock is the workload itself: an action fires before
/// a given write, and a rebuild it starts advances a fixed number of sync units before each write. Nothing
/// races a timer (safe mode is off, the array has no bitmap daemon unless asked), so the same seed gives the
/// same events in the same order; only the throughput figures are wall-clock measurements.
/// </summary>
public sealed class ScenarioRunner : IDisposable
{
    private const int PageBytes = 4096;

    private readonly Scenario _scenario;
    private readonly string _folder;
    private readonly int[] _versions;
    private readonly List<PowerCutDevice> _rail = [];
    private readonly List<TimelineEntry> _timeline = [];
    private readonly List<ScrubResult> _scrubs = [];
    private readonly List<PhaseThroughput> _phases = [];
    private readonly bool _flushEachWrite;
    private RaidArray? _array;
    private int _eventsSeen;
    private long _eventLogLength;
    private long _op;
    private int _unitsPerOp;
    private long _failedWrites;
    private long _readBackProblems;
    private Dictionary<int, long> _readsAtPhaseStart = [];

    private ScenarioRunner(Scenario scenario, string folder)
    {
        _scenario = scenario;
        _folder = folder;
        _versions = new int[scenario.Workload.Blocks];

        // With power cuts in the story, every write is flushed as a committing application would, so a cut loses
        // nothing acknowledged and the verification stays exact.
        _flushEachWrite = scenario.Actions.Any(a => a.Do == "power-cut");
    }

    private RaidArray Array => _array ?? throw new InvalidOperationException("the scenario's array is not open");

    /// <summary>Creates the scenario's array in <paramref name="folder"/> (new or empty), runs it and returns the report.</summary>
    /// <exception cref="ArrayRefusedException">The array refused an action the scenario asked for.</exception>
    public static ScenarioReport Run(Scenario scenario, string folder)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        using var runner = new ScenarioRunner(scenario, folder);
        return runner.Execute();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _array?.Dispose();
        _array = null;
    }

    private ScenarioReport Execute()
    {
        Create();
        var workload = _scenario.Workload;
        if (workload.RegionBytes > Array.Length)
        {
            throw new ScenarioFormatException($"workload.bytes {workload.RegionBytes} is more than the array's {Array.Length} bytes");
        }

        var pending = new Queue<ScenarioAction>(_scenario.Actions);
        var buffer = new byte[workload.BlockBytes];
        var check = workload.ReadBack ? new byte[workload.BlockBytes] : [];
        var phase = (Label: "start", From: 0L, Clock: Stopwatch.GetTimestamp());
        _readsAtPhaseStart = Array.Members.ToDictionary(m => m.DevNumber, m => m.BytesRead);
        for (_op = 0; _op <= workload.OpCount; _op++)
        {
            var fired = new List<string>();
            while (pending.TryPeek(out var next) && next.AtOp == _op)
            {
                if (fired.Count == 0)
                {
                    phase = ClosePhase(phase);
                }

                var action = pending.Dequeue();
                try
                {
                    fired.Add(Fire(action));
                }
                catch (Exception ex) when (ex is ArrayRefusedException or InvalidOperationException or ArgumentException)
                {
                    throw new ArrayRefusedException($"scenario '{_scenario.Name}': {action.Do} before write {_op} was refused: {ex.Message}");
                }

                Collect();
            }

            if (fired.Count > 0)
            {
                phase.Label = $"after {string.Join(", ", fired)}";
            }

            if (_op == workload.OpCount)
            {
                break;
            }

            if (_unitsPerOp > 0)
            {
                Sync(_unitsPerOp);
            }

            WriteOne(buffer, check);
            Collect();
        }

        ClosePhase(phase);
        return Verify();
    }

    private (string Label, long From, long Clock) ClosePhase((string Label, long From, long Clock) phase)
    {
        if (_op > phase.From || _phases.Count == 0)
        {
            long bytes = (_op - phase.From) * _scenario.Workload.BlockBytes;
            var reads = Array.Members.ToDictionary(
                m => m.DevNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
                m => m.BytesRead - (_readsAtPhaseStart.TryGetValue(m.DevNumber, out long before) && before <= m.BytesRead ? before : 0));
            _phases.Add(new PhaseThroughput($"{phase.Label} ({Describe(Array.State)})", phase.From, _op, bytes, Stopwatch.GetElapsedTime(phase.Clock).TotalSeconds, reads));
        }

        // A reopened array counts member reads from zero again; the comparison above allows for it.
        _readsAtPhaseStart = Array.Members.ToDictionary(m => m.DevNumber, m => m.BytesRead);
        return (phase.Label, _op, Stopwatch.GetTimestamp());
    }

    private void Create()
    {
        var spec = _scenario.Array;
        var options = new ArrayCreateOptions
        {
            Level = spec.Level,
            RaidDisks = spec.Disks,
            ChunkBytes = spec.ChunkBytes,
            Algorithm = spec.Layout,
            Name = _scenario.Name.Length <= 32 ? _scenario.Name : _scenario.Name[..32],
            Bitmap = spec.Bitmap,
            Integrity = spec.Integrity,
            Uuid = SeededUuid(_scenario.Seed),
        };
        using (var created = ArrayFolder.Create(_folder, options, spec.DiskBytes, spec.Spares, sparse: true))
        {
            created.RunSync();
        }

        // Disks that take a real drive's time from here on: the initial sync ran at host speed.
        Devices.Timing.TimingProfile.Named(spec.Profile)?.Save(_folder);

        // Reopened behind the power rail, so a power cut can drop what the drive caches have not flushed.
        Open();
        Collect();
    }

    private void Open()
    {
        _rail.Clear();
        _array = ArrayFolder.Open(_folder, wrap: device =>
        {
            var onRail = new PowerCutDevice(device);
            _rail.Add(onRail);
            return onRail;
        });
    }

    private string Fire(ScenarioAction action)
    {
        var array = Array;
        switch (action.Do)
        {
            case "fault":
                // The open array's own set: its member devices apply it at once, and it saves itself.
                var stored = array.Faults.Add(action.Fault! with { Added = DateTimeOffset.UtcNow });
                LogFault(EventTypes.FaultInjected, stored.Disk, Describe(stored));
                return $"fault {Kebab(stored.Kind)} on disk {stored.Disk}";
            case "clear-faults":
                foreach (var cleared in array.Faults.Remove(f => action.Disk == null || f.Disk == action.Disk))
                {
                    LogFault(EventTypes.FaultCleared, cleared.Disk, Describe(cleared));
                }

                return action.Disk is { } d ? $"faults on disk {d} cleared" : "faults cleared";
            case "fail":
                array.Fail(action.Disk!.Value);
                return $"fail disk {action.Disk}";
            case "remove":
                ArrayFolder.RemoveMember(array, action.Disk!.Value);
                return $"remove disk {action.Disk}";
            case "add":
                var added = ArrayFolder.AddMember(_folder, array);
                return $"add disk {added.DevNumber}";
            case "re-add":
                ReAdd(action.Disk!.Value);
                return $"re-add disk {action.Disk}";
            case "rebuild":
                _unitsPerOp = action.UnitsPerOp;
                if (_unitsPerOp == 0)
                {
                    Sync(0);
                }

                return _unitsPerOp == 0 ? "rebuild" : $"rebuild ({_unitsPerOp} sync unit{(_unitsPerOp > 1 ? "s" : "")} per write)";
            case "check" or "repair":
                bool repair = action.Do == "repair";
                _scrubs.Add(new ScrubResult(_op, repair, array.Scrub(repair)));
                return action.Do;
            case "power-cut":
                array.PowerOff();
                var cut = new Random((int)(BlockPattern.Mix((ulong)(_scenario.Seed ^ _op)) & int.MaxValue));
                foreach (var device in _rail)
                {
                    device.Cut(cut);
                }

                array.Abandon();
                _array = null;
                Open();
                return "power cut";
            default:
                // restart
                array.Dispose();
                _array = null;
                Open();
                return "restart";
        }
    }

    /// <summary>
    /// Logs a fault change the way the fault command does, with what the fault is and no time-dependent
    /// figure, so a rerun logs the same line.
    /// </summary>
    private void LogFault(string type, int disk, string details) =>
        new EventLog(ArrayFolder.EventLogPath(_folder)).Append(new ArrayEvent(DateTimeOffset.UtcNow, Array.Uuid, type, disk, details, Array.EventCount));

    private static string Describe(Fault fault)
    {
        string where = fault.FirstSector is { } first ? $"sectors {first}-{first + fault.SectorCount - 1}" : "whole disk";
        var figures = new List<string>();
        if (fault.LatencyMs is { } latency)
        {
            figures.Add($"latency {latency} ms");
        }

        if (fault.JitterMs is { } jitter)
        {
            figures.Add($"jitter {jitter} ms");
        }

        if (fault.BytesPerSecond is { } bps)
        {
            figures.Add($"{bps} bytes/s");
        }

        if (fault.Rate is { } rate)
        {
            figures.Add($"rate {rate}");
        }

        if (fault.DurationMs is { } ms)
        {
            figures.Add($"{ms} ms");
        }

        if (fault.AfterWrites is { } writes)
        {
            figures.Add($"after {writes} writes");
        }

        if (fault.AfterBytes is { } bytes)
        {
            figures.Add($"after {bytes} bytes");
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Kebab(fault.Kind)}, {where}{(figures.Count > 0 ? ", " + string.Join(", ", figures) : "")}");
    }

    private static string Kebab(FaultKind kind) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());

    /// <summary>md's re-add of a member that dropped out: out of the array if it is faulty, then back in by its own file.</summary>
    private void ReAdd(int disk)
    {
        var array = Array;
        var member = array.Members.FirstOrDefault(m => m.DevNumber == disk)
            ?? throw new ArrayRefusedException($"array has no disk {disk} to re-add");
        if (member.State is not MemberState.Faulty)
        {
            throw new ArrayRefusedException($"disk {disk} is {member.State}, not faulty: there is nothing to re-add");
        }

        ArrayFolder.RemoveMember(array, disk);
        ArrayFolder.AddMember(_folder, array, ArrayFolder.MemberPath(_folder, disk) + ArrayFolder.RemovedSuffix);
    }

    private void Sync(int units)
    {
        try
        {
            SyncStepper.Step(Array, units);
        }
        catch (IOException)
        {
            // The array failed under the sync (a second member lost): the events tell it, verification counts it.
            _unitsPerOp = 0;
        }
    }

    private void WriteOne(byte[] buffer, byte[] check)
    {
        var workload = _scenario.Workload;
        long block = workload.Pattern == WorkloadPattern.Sequential
            ? _op % workload.Blocks
            : (long)(BlockPattern.Mix((ulong)_scenario.Seed ^ BlockPattern.Mix((ulong)_op + 1)) % (ulong)workload.Blocks);
        int version = Math.Abs(_versions[block]) + 1;
        BlockPattern.Fill(buffer, _scenario.Seed, block, version);
        long offset = block * workload.BlockBytes;
        try
        {
            Array.Write(offset, buffer);
            if (_flushEachWrite)
            {
                Array.Flush();
            }

            _versions[block] = version;
        }
        catch (IOException)
        {
            // The block may hold the old or the new bytes now (or be unreadable): it is not judged at the end.
            _versions[block] = -version;
            _failedWrites++;
            return;
        }

        if (check.Length > 0)
        {
            try
            {
                Array.Read(offset, check);
                _readBackProblems += check.AsSpan().SequenceEqual(buffer) ? 0 : 1;
            }
            catch (IOException)
            {
                _readBackProblems++;
            }
        }
    }

    /// <summary>Moves new events of the log into the timeline at the current workload point.</summary>
    private void Collect()
    {
        string path = ArrayFolder.EventLogPath(_folder);
        long length = File.Exists(path) ? new FileInfo(path).Length : 0;
        if (length == _eventLogLength)
        {
            return;
        }

        _eventLogLength = length;
        var events = EventLog.Read(path);
        double percent = Math.Round(100.0 * _op / _scenario.Workload.OpCount, 1);
        foreach (var entry in events.Skip(_eventsSeen))
        {
            _timeline.Add(new TimelineEntry(_op, percent, entry.Type, entry.Member, entry.Details));
        }

        _eventsSeen = events.Count;
    }

    /// <summary>Reads every block the workload wrote and compares it with its last version, regenerated from the seed.</summary>
    private ScenarioReport Verify()
    {
        var workload = _scenario.Workload;
        int size = workload.BlockBytes;
        var actual = new byte[size];
        var expected = new byte[size];
        var lost = new List<ByteRange>();
        var wrong = new List<ByteRange>();
        long written = 0;
        long wrongBytes = 0;
        long inDoubt = 0;
        for (long block = 0; block < workload.Blocks; block++)
        {
            int version = _versions[block];
            if (version == 0)
            {
                continue;
            }

            if (version < 0)
            {
                inDoubt += size;
                continue;
            }

            written += size;
            BlockPattern.Fill(expected, _scenario.Seed, block, version);
            long offset = block * size;
            for (int page = 0; page < size; page += PageBytes)
            {
                // Page by page, so a lost region is measured to md's 4 KiB bad-block granularity.
                var into = actual.AsSpan(page, PageBytes);
                try
                {
                    Array.Read(offset + page, into);
                }
                catch (IOException)
                {
                    Merge(lost, offset + page, PageBytes);
                    continue;
                }

                int differing = Differing(into, expected.AsSpan(page, PageBytes));
                if (differing > 0)
                {
                    wrongBytes += differing;
                    Merge(wrong, offset + page, PageBytes);
                }
            }
        }

        long lostBytes = lost.Sum(r => r.Length);
        var report = new ScenarioReport
        {
            Name = _scenario.Name,
            Description = _scenario.Description,
            Seed = _scenario.Seed,
            Array = _scenario.Array.Describe(),
            Ops = workload.OpCount,
            FailedWrites = _failedWrites,
            BytesWritten = written,
            BytesVerified = written - lostBytes - wrongBytes,
            BytesLost = lostBytes,
            BytesWrong = wrongBytes,
            BytesInDoubt = inDoubt,
            WrongBecause = wrongBytes > 0 ? _scenario.Expect.WrongBecause : null,
            LostRanges = lost,
            WrongRanges = wrong,
            ReadBackProblems = _readBackProblems,
            Timeline = _timeline,
            Scrubs = _scrubs,
            Phases = _phases,
            FinalState = Array.State,
            Members = [.. Array.Members.Select(m => new MemberReport(m.DevNumber, m.Slot, m.State, m.CorrectedReadErrors, m.BadBlocks.Sectors, m.BytesRead, m.BytesWritten))],
        };
        return report with { Failures = ScenarioChecks.Failures(_scenario.Expect, report) };
    }

    private static int Differing(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int count = 0;
        for (int i = 0; i < a.Length; i++)
        {
            count += a[i] != b[i] ? 1 : 0;
        }

        return count;
    }

    private static void Merge(List<ByteRange> ranges, long offset, long length)
    {
        if (ranges.Count > 0 && ranges[^1].End == offset)
        {
            ranges[^1] = ranges[^1] with { Length = ranges[^1].Length + length };
        }
        else
        {
            ranges.Add(new ByteRange(offset, length));
        }
    }

    private static string Describe(ArrayState state) => state.ToString().ToLowerInvariant();

    private static Guid SeededUuid(long seed)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, BlockPattern.Mix((ulong)seed));
        BitConverter.TryWriteBytes(bytes[8..], BlockPattern.Mix((ulong)seed + 1));
        return new Guid(bytes);
    }
}
