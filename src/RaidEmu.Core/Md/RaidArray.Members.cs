using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Md;

public sealed partial class RaidArray
{
    /// <summary>
    /// Marks a member faulty, as <c>mdadm --fail</c>. A hot spare, if there is one, takes over the slot and
    /// recovery onto it becomes pending. Failing the last in-sync member of a RAID 1 is refused, as md does.
    /// </summary>
    /// <exception cref="ArgumentException">No member has that device number.</exception>
    /// <exception cref="ArrayRefusedException">The failure would leave a RAID 1 with no copy.</exception>
    public void Fail(int devNumber)
    {
        lock (_stateGate)
        {
            var member = Find(devNumber);
            switch (member.State)
            {
                case MemberState.Faulty:
                    return;
                case MemberState.Spare or MemberState.Stale:
                    string was = Describe(member.State);
                    member.State = MemberState.Faulty;
                    Commit(EventTypes.MemberFailed, member, $"{was} member marked faulty");
                    return;
                default:
                    if (IsLastCopy(member))
                    {
                        throw new ArrayRefusedException(
                            $"refusing to fail disk {devNumber}: it is the last in-sync member of RAID 1 array '{Name}'");
                    }

                    MarkFaulty(member, "failed by request");
                    return;
            }
        }
    }

    /// <summary>Takes a faulty or spare member out of the array, as <c>mdadm --remove</c>; returns it.</summary>
    public Member Remove(int devNumber)
    {
        lock (_stateGate)
        {
            var member = Find(devNumber);
            if (member.State is not (MemberState.Faulty or MemberState.Spare or MemberState.Stale))
            {
                throw new ArrayRefusedException(
                    $"disk {devNumber} is {Describe(member.State)} in slot {member.Slot}; fail it before removing it");
            }

            _table.Detach(member);
            Commit(EventTypes.MemberRemoved, member, $"{Describe(member.State)} member removed");
            if (_ownsDevices)
            {
                member.Device.Dispose();
            }

            return member;
        }
    }

    /// <summary>
    /// Adds a device, as <c>mdadm --add</c>: it replaces a missing slot (recovery becomes pending) or, when
    /// every slot is filled, becomes a hot spare. Returns the new member.
    /// </summary>
    /// <param name="device">The new member.</param>
    /// <param name="path">Its file, for messages and status.</param>
    /// <param name="devNumber">The device number to give it; the lowest unused one when null.</param>
    public Member Add(IBlockDevice device, string? path = null, int? devNumber = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        lock (_stateGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_failed)
            {
                throw FailedError("a new member cannot be rebuilt from what is left");
            }

            long needed = Geometry.DataOffsetBytes + Geometry.ComponentBytes;
            if (device.Length < needed)
            {
                throw new ArgumentException($"{path ?? "device"} is {device.Length} bytes; a member of this array needs at least {needed}");
            }

            int number = devNumber ?? NextDevNumber();
            if (_table.Find(number) != null)
            {
                throw new ArgumentException($"array '{Name}' already has a disk {number}");
            }

            var member = new Member(number, device, path, Guid.NewGuid()) { State = MemberState.Spare };
            _table.Attach(member);
            SectorSize = Math.Max(SectorSize, device.SectorSize);
            int slot = _table.FreeSlot;
            if (slot < 0)
            {
                Commit(EventTypes.MemberAdded, member, "added as a hot spare");
                return member;
            }

            _table.TakeSlot(member, slot);
            Commit(EventTypes.MemberAdded, member, $"added as the replacement for slot {slot}");
            Commit(EventTypes.RecoveryStarted, member, $"rebuilding slot {slot} from the other members");
            _sync.Kick();
            return member;
        }
    }

    /// <summary>Called when member I/O fails: the member becomes faulty unless it is a RAID 1's last copy.</summary>
    internal void FailFromIo(Member member, IOException error)
    {
        // After a power cut every member errors; none of them is at fault. Nor is a member whose host
        // file system is full: the disk is fine, the request fails instead.
        if (!HostFile.IsOutOfSpace(error))
        {
            FailMember(member, $"I/O error: {error.Message}");
        }
    }

    /// <summary>The engine gives up on a member (an I/O error, too many read errors, a full bad-block log).</summary>
    internal void FailMember(Member member, string reason)
    {
        lock (_stateGate)
        {
            if (member.State == MemberState.Faulty || _disposed || _poweredOff)
            {
                return;
            }

            // md's raid1 returns the error upwards rather than fail the last device.
            if (IsLastCopy(member))
            {
                return;
            }

            if (member.State == MemberState.Spare)
            {
                member.State = MemberState.Faulty;
                Commit(EventTypes.MemberFailed, member, reason);
                return;
            }

            MarkFaulty(member, reason);
        }
    }

    /// <summary>
    /// A write failed part-way because the host file system is full: the stripes it touched may no longer
    /// match their parity or mirror, so the array is not marked clean at stop and the next start resyncs it.
    /// </summary>
    internal void NoteHostFull() => _hostFull = true;

    private void MarkFaulty(Member member, string reason)
    {
        _table.Vacate(member);
        var slots = _table.Slots;
        member.State = MemberState.Faulty;
        Commit(EventTypes.MemberFailed, member, $"{reason} (held slot {member.Slot})");

        int inSync = slots.Count(m => m is { State: MemberState.InSync });
        bool usable = Geometry.Level == RaidLevel.Raid1 ? slots.Any(m => m != null) && inSync > 0 : inSync >= Geometry.RaidDisks - 1;
        if (!usable)
        {
            _failed = true;
            Commit(EventTypes.ArrayFailed, member, $"{inSync} of {Geometry.RaidDisks} members in sync; redundancy exhausted");
            return;
        }

        Commit(EventTypes.ArrayDegraded, member, $"{inSync} of {Geometry.RaidDisks} members in sync");
        NoteLoss(member);
        ActivateSpares();
    }

    /// <summary>
    /// After assembly: a hot spare takes each slot no member holds (a member file gone, say), and recovery onto
    /// it becomes pending, as md's spare handling does once the array runs.
    /// </summary>
    internal void TakeSparesForEmptySlots()
    {
        lock (_stateGate)
        {
            if (_table.FreeSlot >= 0 && _table.FirstSpare() != null)
            {
                ActivateSpares();
            }
        }
    }

    /// <summary>Passive redundancy: a hot spare takes every empty slot, with no operator action.</summary>
    private void ActivateSpares()
    {
        while (!_failed)
        {
            int slot = _table.FreeSlot;
            var spare = _table.FirstSpare();
            if (slot < 0 || spare == null)
            {
                break;
            }

            _table.TakeSlot(spare, slot);
            Commit(EventTypes.SpareActivated, spare, $"hot spare disk {spare.DevNumber} takes slot {slot}");
            Commit(EventTypes.RecoveryStarted, spare, $"rebuilding slot {slot} from the other members");
        }

        _sync.Kick();
    }

    /// <summary>The lowest device number no member uses, which is what md gives a new member.</summary>
    public int NextDevNumber()
    {
        lock (_stateGate)
        {
            return _table.NextDevNumber();
        }
    }

    private bool IsLastCopy(Member member) =>
        Geometry.Level == RaidLevel.Raid1
        && member.State == MemberState.InSync
        && _table.InSyncCount == 1;

    private Member Find(int devNumber)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _table.Find(devNumber)
            ?? throw new ArgumentException(
                $"array '{Name}' has no disk {devNumber}; disks are device numbers from the superblocks, not file names: "
                + string.Join(", ", _table.All.OrderBy(m => m.DevNumber).Select(m => $"{m.DevNumber} = {System.IO.Path.GetFileName(m.Path) ?? "device"}")));
    }

    private static string Describe(MemberState state) => state switch
    {
        MemberState.InSync => "in sync",
        MemberState.Rebuilding => "rebuilding",
        MemberState.Spare => "a spare",
        MemberState.Stale => "stale",
        _ => "faulty",
    };

    /// <summary>One state change: bump events in every live superblock, then log one event.</summary>
    internal void Commit(string type, Member? member, string details)
    {
        WriteSuperblocks(bumpEvents: true);
        _sink.Append(new ArrayEvent(_clock.GetUtcNow(), Uuid, type, member?.DevNumber, details, _events));
    }

    /// <summary>Writes the current state to every live member (in sync, rebuilding, spare). Faulty ones are left as they were, as md leaves them.</summary>
    private void WriteSuperblocks(bool bumpEvents)
    {
        if (_poweredOff)
        {
            return;
        }

        // Superblocks are written one member at a time, so a kill part-way leaves members one event apart, which
        // assembly accepts. A member still behind is first brought level, so a kill in the next round cannot
        // leave it two events behind.
        if (bumpEvents && _table.All.Any(m => m.State is not (MemberState.Faulty or MemberState.Stale) && m.Events != _events))
        {
            _superblocks.WriteAll([.. _table.All], _events, OnDiskResyncOffset(), FailFromIo);
        }

        if (bumpEvents)
        {
            _events++;
        }

        // md updates the bitmap's header before the superblocks, so its event count is never behind theirs.
        WriteBitmap();
        _superblocks.WriteAll([.. _table.All], _events, OnDiskResyncOffset(), FailFromIo);
    }

    /// <summary>
    /// md's resync_offset: 0 whenever the array is not clean, a resync running or not (md writes recovery_cp only
    /// while in_sync): a crash while writes may be in flight resyncs from the start, because an RMW write
    /// below a resync checkpoint can leave a torn stripe there. When clean: MaxSector if in sync, else the
    /// checkpoint of a resync stopped part-way.
    /// </summary>
    private ulong OnDiskResyncOffset()
    {
        if (_dirty)
        {
            return 0;
        }

        long synced = SyncedUpTo;
        return synced >= Geometry.ComponentBytes ? Superblock.Synced : (ulong)(synced / 512);
    }
}
