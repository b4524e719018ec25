using System.Text;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md.Raid5;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Md;

public sealed partial class RaidArray
{
    private const int Raid1Rounding = 64 * 1024;
    private const int MaxRaidDisks = 64;

    /// <summary>
    /// Creates an array on <paramref name="devices"/>: the first <see cref="ArrayCreateOptions.RaidDisks"/> fill
    /// the slots, the rest become hot spares. Unless told the members are clean, a resync is pending
    /// (run it with <see cref="RunSync"/>).
    /// </summary>
    public static RaidArray Create(ArrayCreateOptions options, IReadOnlyList<MemberSource> devices, IEventSink sink, TimeProvider? clock = null, bool ownsDevices = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(devices);
        var geometry = PlanGeometry(options, devices);
        clock ??= TimeProvider.System;
        var identity = new ArrayIdentity(options.Uuid ?? Guid.NewGuid(), options.Name, clock.GetUtcNow());
        var members = new List<Member>();
        var array = new RaidArray(identity, geometry, members, sink, clock, ownsDevices);
        var slots = new Member?[geometry.RaidDisks];
        for (int i = 0; i < devices.Count; i++)
        {
            var member = new Member(i, devices[i].Device, devices[i].Path, Guid.NewGuid())
            {
                State = i < geometry.RaidDisks ? MemberState.InSync : MemberState.Spare,
                Slot = i < geometry.RaidDisks ? i : -1,
            };
            members.Add(member);
            if (i < geometry.RaidDisks)
            {
                slots[i] = member;
            }

            array.SectorSize = Math.Max(array.SectorSize, member.Device.SectorSize);
        }

        array._slots = slots;
        array._syncedUpTo = options.AssumeClean ? long.MaxValue : 0;
        lock (array._stateGate)
        {
            string shape = geometry.Level == RaidLevel.Raid5
                ? $"RAID 5, {geometry.RaidDisks} disks, {Raid5Layout.Name(geometry.Algorithm)}, chunk {geometry.ChunkBytes / 1024} KiB"
                : $"RAID 1, {geometry.RaidDisks} disks";
            array.Commit(EventTypes.ArrayCreated, null,
                $"{shape}, {devices.Count - geometry.RaidDisks} spares, {geometry.LogicalBytes} bytes; {(options.AssumeClean ? "assumed clean" : "initial resync pending")}");
        }

        return array;
    }

    /// <summary>
    /// Assembles an array from its members' superblocks, with md's rules: the highest event count is the
    /// reference; a member behind it is stale and is rebuilt, never read; a RAID 5 missing two members does
    /// not start; a dirty and degraded RAID 5 starts only with <paramref name="force"/> (the write hole).
    /// Assembly writes nothing unless it is forced. With <paramref name="inspect"/>, an array that may not
    /// start is still returned, for reporting only: <see cref="StartProblem"/> says why it would not start.
    /// </summary>
    public static RaidArray Assemble(IReadOnlyList<MemberSource> sources, IEventSink sink, bool force = false, TimeProvider? clock = null, bool ownsDevices = true, bool inspect = false)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            throw new MetadataException("no member files to assemble");
        }

        var found = sources.Select(s => (Source: s, Super: Superblock.Read(s.Device, Label(s)))).ToList();
        CheckSameArray(found);

        var reference = found.MaxBy(f => f.Super.Events).Super;
        var geometry = GeometryOf(reference);
        var members = new List<Member>();
        var array = new RaidArray(new ArrayIdentity(reference.SetUuid, reference.SetName, reference.CreationTime), geometry, members, sink, clock ?? TimeProvider.System, ownsDevices);
        var slots = new Member?[geometry.RaidDisks];
        foreach (var (source, super) in found.OrderByDescending(f => f.Super.Events))
        {
            members.Add(PlaceMember(source, super, reference, slots, array));
            array.SectorSize = Math.Max(array.SectorSize, source.Device.SectorSize);
        }

        array._slots = slots;
        array._events = reference.Events;
        array._syncedUpTo = reference.ResyncOffset == Superblock.Synced ? long.MaxValue : (long)reference.ResyncOffset * 512;
        array._announceRecovery = members.Any(m => m.State == MemberState.Rebuilding);
        try
        {
            array.CheckStartable(reference.ResyncOffset != Superblock.Synced, force);
        }
        catch (IOException ex) when (inspect && ex is ArrayFailedException or ArrayStartRefusedException)
        {
            array.StartProblem = ex.Message;
            array._failed = ex is ArrayFailedException;
        }

        return array;
    }

    /// <summary>Why an array assembled for inspection could not start; null when it can.</summary>
    public string? StartProblem { get; private set; }

    private static Member PlaceMember(MemberSource source, Superblock super, Superblock reference, Member?[] slots, RaidArray array)
    {
        ushort role = super.DevNumber < reference.Roles.Length ? reference.Roles[super.DevNumber] : DeviceRole.Faulty;
        var member = new Member(super.DevNumber, source.Device, source.Path, super.DeviceUuid) { Events = super.Events };
        if (array._members.Concat(slots.OfType<Member>()).Any(m => m.DevNumber == super.DevNumber))
        {
            throw new MetadataException($"{Label(source)}: device number {super.DevNumber} is claimed by another member file too");
        }

        if (role < slots.Length && slots[role] == null)
        {
            // Members are placed freshest first, so a slot is taken by its current member before any stale copy.
            bool fresh = super.Events == reference.Events;
            bool resuming = fresh && (super.FeatureMap & Superblock.FeatureRecoveryOffset) != 0;
            member.Slot = role;
            member.State = fresh && !resuming ? MemberState.InSync : MemberState.Rebuilding;
            member.RecoveryOffset = resuming ? (long)super.RecoveryOffset * 512 : 0;
            member.WasStale = !fresh;
            slots[role] = member;
        }
        else if (role == DeviceRole.Spare)
        {
            member.State = MemberState.Spare;
        }
        else
        {
            member.State = MemberState.Faulty;
            member.Slot = super.OwnRole < reference.RaidDisks ? super.OwnRole : -1;
        }

        return member;
    }

    private void CheckStartable(bool dirty, bool force)
    {
        int inSync = _slots.Count(m => m is { State: MemberState.InSync });
        if (inSync < Geometry.MinInSync)
        {
            throw new ArrayFailedException(
                $"array '{Name}' cannot start: only {inSync} of {Geometry.RaidDisks} members are in sync (RAID {(int)Geometry.Level} needs {Geometry.MinInSync})");
        }

        bool degraded = inSync < Geometry.RaidDisks;
        if (Geometry.Level == RaidLevel.Raid5 && dirty && degraded)
        {
            if (!force)
            {
                throw new ArrayStartRefusedException(
                    $"array '{Name}' is both dirty (unclean stop) and degraded: parity of stripes written at the stop may be wrong (the RAID 5 write hole); start it with force to accept that");
            }

            // Nothing can be resynced without the missing member, so the forced start accepts parity as it is.
            _syncedUpTo = long.MaxValue;
            lock (_stateGate)
            {
                Commit(EventTypes.ArrayForced, null, "dirty and degraded RAID 5 started by force; stripes written at the stop may hold wrong data");
            }
        }
    }

    private static void CheckSameArray(List<(MemberSource Source, Superblock Super)> found)
    {
        var majority = found.GroupBy(f => f.Super.SetUuid).OrderByDescending(g => g.Count()).First().First();
        foreach (var (source, super) in found)
        {
            if (super.SetUuid != majority.Super.SetUuid)
            {
                throw new MetadataException(
                    $"{Label(source)}: belongs to array {super.SetUuid} ('{super.SetName}'), not to {majority.Super.SetUuid} ('{majority.Super.SetName}') like {Label(majority.Source)}");
            }

            if (super.Level != majority.Super.Level || super.RaidDisks != majority.Super.RaidDisks
                || super.ChunkSectors != majority.Super.ChunkSectors || super.Layout != majority.Super.Layout
                || super.Size != majority.Super.Size || super.DataOffset != majority.Super.DataOffset)
            {
                throw new MetadataException($"{Label(source)}: geometry differs from {Label(majority.Source)} of the same array");
            }
        }
    }

    private static ArrayGeometry GeometryOf(Superblock super) => new(
        (RaidLevel)super.Level,
        super.RaidDisks,
        (int)super.ChunkSectors * 512,
        super.Level == 5 ? (Raid5Algorithm)super.Layout : Raid5Algorithm.LeftSymmetric,
        (long)super.Size * 512,
        (long)super.DataOffset * 512);

    private static ArrayGeometry PlanGeometry(ArrayCreateOptions options, IReadOnlyList<MemberSource> devices)
    {
        bool raid5 = options.Level == RaidLevel.Raid5;
        if (options.Level is not (RaidLevel.Raid1 or RaidLevel.Raid5))
        {
            throw new ArgumentException($"RAID level {(int)options.Level} is not supported (use 1 or 5)");
        }

        int minimum = raid5 ? 3 : 2;
        if (options.RaidDisks < minimum || options.RaidDisks > MaxRaidDisks)
        {
            throw new ArgumentException($"RAID {(int)options.Level} needs {minimum} to {MaxRaidDisks} disks, not {options.RaidDisks}");
        }

        if (devices.Count < options.RaidDisks)
        {
            throw new ArgumentException($"{options.RaidDisks} disks were asked for but {devices.Count} devices were given");
        }

        int chunk = options.ChunkBytes;
        if (raid5 && (chunk < 4096 || chunk > 64 * 1024 * 1024 || (chunk & (chunk - 1)) != 0))
        {
            throw new ArgumentException($"chunk size {chunk} must be a power of two from 4 KiB to 64 MiB");
        }

        if (Encoding.UTF8.GetByteCount(options.Name) is 0 or > 32)
        {
            throw new ArgumentException($"array name '{options.Name}' must be 1 to 32 bytes");
        }

        long smallest = devices.Min(d => d.Device.Length);
        int unit = raid5 ? chunk : Raid1Rounding;
        long component = (smallest - ArrayCreateOptions.DataOffsetBytes) / unit * unit;
        if (component < unit)
        {
            throw new ArgumentException(
                $"disk size {smallest} bytes is too small: each member needs {ArrayCreateOptions.DataOffsetBytes} bytes of metadata area plus at least {unit} bytes of data");
        }

        return new ArrayGeometry(options.Level, options.RaidDisks, raid5 ? chunk : 0, options.Algorithm, component, ArrayCreateOptions.DataOffsetBytes);
    }

    private static string Label(MemberSource source) => source.Path ?? "device";
}
