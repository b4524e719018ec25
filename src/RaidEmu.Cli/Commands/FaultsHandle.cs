using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Faults;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Cli.Commands;

/// <summary>
/// An array's fault set as a command sees it: the live one a server applies, or the folder's
/// <c>faults.json</c>. Offline, a change holds the folder's lock until the handle is disposed.
/// </summary>
internal sealed class FaultsHandle : IDisposable
{
    private readonly Action _release;
    private readonly Func<ulong> _eventCount;

    /// <param name="set">The faults.</param>
    /// <param name="folder">The array folder.</param>
    /// <param name="uuid">The array's UUID.</param>
    /// <param name="eventCount">The md event count an event records.</param>
    /// <param name="release">Releases what opening took.</param>
    public FaultsHandle(FaultSet set, string folder, Guid uuid, Func<ulong> eventCount, Action release)
    {
        Set = set;
        Folder = folder;
        Uuid = uuid;
        _eventCount = eventCount;
        _release = release;
        DataSectors = DataAreas(folder, uuid);
    }

    public FaultSet Set { get; }

    public string Folder { get; }

    public Guid Uuid { get; }

    /// <summary>Each member's data area in 512-byte sectors, by device number: how far a fault's range may reach.</summary>
    public IReadOnlyDictionary<int, long> DataSectors { get; }

    /// <summary>Writes the set to <c>faults.json</c> and appends <paramref name="type"/> for <paramref name="fault"/> to the event log.</summary>
    public void Record(string type, Fault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        Set.Save(Folder);
        new EventLog(ArrayFolder.EventLogPath(Folder)).Append(
            new ArrayEvent(DateTimeOffset.UtcNow, Uuid, type, fault.Disk, FaultText.Describe(fault), _eventCount()));
    }

    public void Dispose() => _release();

    /// <summary>
    /// The data size in each member file's md superblock, by device number. Read from the files themselves, not
    /// through the array: a member the array left out or failed (a vanished disk) can still carry faults.
    /// </summary>
    private static Dictionary<int, long> DataAreas(string folder, Guid uuid)
    {
        var sizes = new Dictionary<int, long>();
        foreach (string path in ArrayFolder.MemberFiles(folder))
        {
            try
            {
                using var device = FileBlockDevice.Open(path, readOnly: true);
                var superblock = Superblock.Read(device, path);
                if (superblock.SetUuid == uuid)
                {
                    sizes[superblock.DevNumber] = (long)superblock.DataSize;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not a member anyone can fault: assembly leaves it out too.
            }
        }

        return sizes;
    }
}
