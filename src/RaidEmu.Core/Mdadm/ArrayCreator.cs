using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid5;

namespace RaidEmu.Core.Mdadm;

/// <summary>Creates an array, as <c>mdadm --create</c>: plans the geometry, gives each device its role and starts it.</summary>
public static class ArrayCreator
{
    /// <summary>
    /// Creates an array on <paramref name="devices"/>: the first <see cref="ArrayCreateOptions.RaidDisks"/> fill
    /// the slots, the rest become hot spares. Unless told the members are clean, a resync is pending
    /// (run it with <see cref="RaidArray.RunSync"/>).
    /// </summary>
    public static RaidArray Create(ArrayCreateOptions options, IReadOnlyList<MemberSource> devices, IEventSink sink, TimeProvider? clock = null, bool ownsDevices = true)
    {
        var geometry = GeometryPlanner.Plan(options, devices);
        clock ??= TimeProvider.System;
        var identity = new ArrayIdentity(options.Uuid ?? Guid.NewGuid(), options.Name, clock.GetUtcNow());
        var members = devices.Select((device, i) => new Member(i, device.Device, device.Path, Guid.NewGuid())
        {
            State = i < geometry.RaidDisks ? MemberState.InSync : MemberState.Spare,
            Slot = i < geometry.RaidDisks ? i : -1,
        });
        var start = new ArrayStartState(0, options.AssumeClean ? long.MaxValue : 0, AnnounceRecovery: false);
        var array = new RaidArray(identity, geometry, members, start, new ArrayHost(sink, clock, ownsDevices), Personalities.For(geometry.Level));
        var bitmap = BitmapPlanner.ForCreate(options, identity.Uuid, geometry, devices.Min(d => d.Device.Length));
        if (bitmap != null)
        {
            array.AttachBitmap(bitmap, options.AssumeClean ? long.MaxValue : 0);
        }

        string shape = geometry.Level == RaidLevel.Raid5
            ? $"RAID 5, {geometry.RaidDisks} disks, {Raid5Layout.Name(geometry.Algorithm)}, chunk {geometry.ChunkBytes / 1024} KiB"
            : $"RAID 1, {geometry.RaidDisks} disks";
        array.Record(EventTypes.ArrayCreated, null,
            $"{shape}, {devices.Count - geometry.RaidDisks} spares, {geometry.LogicalBytes} bytes, {(bitmap == null ? "no bitmap" : $"internal bitmap of {bitmap.Chunks} chunks of {bitmap.ChunkBytes} bytes")}; {(options.AssumeClean ? "assumed clean" : "initial resync pending")}");
        return array;
    }
}
