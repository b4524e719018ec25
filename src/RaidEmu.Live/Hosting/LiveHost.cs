using RaidEmu.Core;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Power;

namespace RaidEmu.Live.Hosting;

/// <summary>
/// The serving process's hold on an array: its lock, the live array behind the power rail, and the power
/// subsystem. When the rail goes off, writes in flight are torn and the array stops; when power returns it
/// comes back only through md's rules (dirty: resync; dirty and degraded RAID 5: only with start --force).
/// </summary>
public sealed class LiveHost : IDisposable
{
    private readonly ArrayLock _lock;
    private readonly Lock _gate = new();
    private readonly EventLog _log;
    private readonly int _seed;
    private readonly Guid _uuid;
    private static readonly TimeSpan s_activityPeriod = TimeSpan.FromMilliseconds(500);
    private readonly Timer? _activity;
    private long _lastBytes;
    private List<PowerCutDevice> _disks = [];

    /// <summary>
    /// Takes the folder's lock and starts the array; refused when its power rail is off. <paramref name="locked"/>
    /// runs as soon as the lock is held, before anything else is opened.
    /// </summary>
    public LiveHost(string folder, string purpose, Action? locked = null)
    {
        Folder = folder;
        _lock = ArrayLock.Acquire(folder, $"raidemu {purpose}");
        try
        {
            locked?.Invoke();
            _log = new EventLog(ArrayFolder.EventLogPath(folder));
            _seed = int.TryParse(Environment.GetEnvironmentVariable("RAIDEMU_POWER_SEED"), out int seed) ? seed : 42;
            var array = OpenArray(force: false, startSync: true);
            _uuid = array.Uuid;
            Volume = new LiveVolume(array);
            Power = PowerFolder.Load(folder, array);
            if (Power.Rail == RailState.Off)
            {
                array.Dispose();
                throw NoPower(folder);
            }

            Power.RailChanged += OnRail;
            _activity = new Timer(_ => ReportActivity(), null, s_activityPeriod, s_activityPeriod);
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
    }

    /// <summary>The array folder served.</summary>
    public string Folder { get; }

    /// <summary>What the front ends serve.</summary>
    public LiveVolume Volume { get; }

    /// <summary>The array's power subsystem, shared by the control commands.</summary>
    public PowerSubsystem Power { get; }

    /// <summary>Held while the power model is changed, so a rail change and a restart never interleave.</summary>
    public Lock PowerGate => _gate;

    /// <summary>The refusal for an array whose power rail is off, served or not.</summary>
    public static ArrayRefusedException NoPower(string folder) =>
        new($"array {folder} has no power (rail off); bring a supply back with 'raidemu psu' first");

    /// <summary>Starts the array again after it went down; <paramref name="force"/> accepts the write hole.</summary>
    public RaidArray Restart(bool force)
    {
        lock (_gate)
        {
            if (Volume.Current is { } running)
            {
                return running;
            }

            if (Power.Rail == RailState.Off)
            {
                throw new ArrayRefusedException("the array has no power; bring a supply back with 'raidemu psu' first");
            }

            var array = OpenArray(force, startSync: false);
            Log(EventTypes.ArrayRestarted, $"array started after the power loss: {array.State.ToString().ToLowerInvariant()}{(array.PendingSync is { } kind ? $", {kind.ToString().ToLowerInvariant()} running" : "")}", array);
            StartSync(array);
            Volume.Up(array);
            return array;
        }
    }

    /// <summary>
    /// A member that vanished is back. As udev's incremental mdadm does for a returning disk, a member md
    /// failed while it was gone is taken out and re-added to its old slot (md's re-add), so a bitmap recovers
    /// only what it missed; a member md never failed (no I/O met the gap) needs nothing more.
    /// </summary>
    public void MemberReturned(int disk)
    {
        lock (_gate)
        {
            if (Volume.Current is not { } array)
            {
                return;
            }

            var member = array.Members.FirstOrDefault(m => m.DevNumber == disk);
            if (member is not { State: MemberState.Faulty, Path: { } path })
            {
                Log(EventTypes.MemberReturned, "the disk is back; md had not failed it, so it stays as it is", array, disk);
                return;
            }

            Log(EventTypes.MemberReturned, "the disk is back after vanishing; md failed it while it was gone, so it is re-added", array, disk);
            try
            {
                ArrayFolder.RemoveMember(array, disk);
                ArrayFolder.AddMember(Folder, array, path + ArrayFolder.RemovedSuffix);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or ArrayRefusedException or InvalidOperationException)
            {
                Log(EventTypes.MemberReturned, $"the disk is back but could not be re-added: {ex.Message}; add it with 'raidemu add --file'", array, disk);
            }
        }
    }

    /// <summary>Saves the power state, flushes the array (marking it clean) and releases the folder.</summary>
    public void Dispose()
    {
        _activity?.Dispose();
        try
        {
            lock (_gate)
            {
                Power.RailChanged -= OnRail;
                PowerFolder.Save(Folder, Power);
                if (Volume.Current is { } array)
                {
                    try
                    {
                        array.Flush();
                    }
                    finally
                    {
                        array.Dispose();
                    }
                }
            }
        }
        finally
        {
            // Whatever the flush met, the folder is released.
            _lock.Dispose();
        }
    }

    private RaidArray OpenArray(bool force, bool startSync)
    {
        var disks = new List<PowerCutDevice>();
        var array = ArrayFolder.Open(Folder, force, wrap: device =>
        {
            var disk = new PowerCutDevice(device);
            lock (disks)
            {
                disks.Add(disk);
            }

            return disk;
        });
        _disks = disks;

        // Raised on a member's I/O path or a timer; the re-add takes the host's gate and writes superblocks,
        // so it runs apart from whatever raised it.
        array.Faults.Returned += (_, e) => ThreadPool.QueueUserWorkItem(_ => MemberReturned(e.Fault.Disk));

        // A served array is marked clean when idle, as md does, so a power loss while idle needs no resync.
        array.SafeModeDelay = RaidArray.DefaultSafeModeDelay;
        if (startSync)
        {
            StartSync(array);
        }

        return array;
    }

    private static void StartSync(RaidArray array)
    {
        array.AutoRecover = true;
        if (array.PendingSync != null)
        {
            array.StartBackgroundSync();
        }
    }

    /// <summary>Disks draw more while they do I/O: tell the power model whether they did in the last period.</summary>
    private void ReportActivity()
    {
        if (!_gate.TryEnter())
        {
            return;
        }

        try
        {
            long bytes = Volume.Current?.Members.Sum(m => m.BytesRead + m.BytesWritten) ?? _lastBytes;
            bool active = bytes != _lastBytes;
            _lastBytes = bytes;
            if (active != Power.DisksActive)
            {
                Power.SetDiskActivity(active);
                PowerFolder.Save(Folder, Power);
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    private void OnRail(RailState from, RailState to)
    {
        if (to == RailState.Off)
        {
            LosePower();
        }
        else if (from == RailState.Off && to == RailState.Good)
        {
            try
            {
                Restart(force: false);
            }
            catch (IOException ex)
            {
                Volume.Down(ex.Message);
                Log(EventTypes.ArrayStartRefused, ex.Message, null);
            }
        }
    }

    /// <summary>Every disk's write in flight keeps a seeded random prefix of sectors; nothing more is written; clients get errors.</summary>
    private void LosePower()
    {
        var array = Volume.Current;
        if (array == null)
        {
            return;
        }

        array.PowerOff();
        var disks = _disks;
        lock (disks)
        {
            for (int i = 0; i < disks.Count; i++)
            {
                disks[i].Cut(new Random(_seed + i));
            }
        }

        Volume.PowerLost("power lost; it restarts when power returns (or with 'raidemu start --force' if it is dirty and degraded)");
        array.Abandon();
        Log(EventTypes.ArrayPowerLost, $"power lost: in-flight writes torn, array stopped {(array.IsDirty ? "dirty" : "clean")}", array);
    }

    private void Log(string type, string details, RaidArray? array, int? member = null) =>
        _log.Append(new ArrayEvent(Power.Now, _uuid, type, member, details, array?.EventCount ?? 0));
}
