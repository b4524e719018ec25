using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Md;

public sealed partial class RaidArray
{
    /// <summary>
    /// Takes a former member back into its old slot, as <c>mdadm --re-add</c>, keeping its device number and
    /// UUID. md's rule (super_1_validate) decides how much it must be rebuilt: with a bitmap and the member's
    /// events at or past the bitmap's events_cleared, only the chunks the bitmap marks; otherwise everything.
    /// Returns null when its slot is no longer free (the caller adds it as a new member instead).
    /// </summary>
    /// <exception cref="ArgumentException">The device belongs to another array, or its number is taken.</exception>
    public Member? ReAdd(IBlockDevice device, string? path, Superblock former)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(former);
        lock (_stateGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_failed)
            {
                throw FailedError("a member cannot be rebuilt from what is left");
            }

            if (former.SetUuid != Uuid)
            {
                throw new ArgumentException($"{path ?? "device"} belongs to array {former.SetUuid}, not to '{Name}' ({Uuid})");
            }

            int slot = former.OwnRole;
            if (_table.Find(former.DevNumber) != null || slot >= Geometry.RaidDisks || _table.Slots[slot] != null
                || device.Length < Geometry.DataOffsetBytes + Geometry.ComponentBytes)
            {
                return null;
            }

            // md's re-add loads the device's own superblock: its bad blocks and corrected reads come back with it.
            var member = new Member(former.DevNumber, device, path, former.DeviceUuid) { State = MemberState.Spare, Events = former.Events };
            member.LoadFromDisk(former, BadBlockLog.Read(device, former, path ?? "device"), path ?? "device");
            _table.Attach(member);
            SectorSize = Math.Max(SectorSize, device.SectorSize);
            _table.TakeSlot(member, slot);
            ulong cleared = _bitmap?.Header.EventsCleared ?? 0;
            // A member whose own full rebuild stopped part-way holds nothing trustworthy past its recovery offset:
            // md rebuilds it in full (saved_raid_disk = -1) unless that rebuild was itself bitmap-based.
            bool partlyRebuilt = (former.FeatureMap & Superblock.FeatureRecoveryOffset) != 0
                && (former.FeatureMap & Superblock.FeatureRecoveryBitmap) == 0;
            member.BitmapRecovery = _bitmap != null && former.Events >= cleared && !partlyRebuilt;

            // The set bits are what it missed: none may clear before recovery has copied its chunk.
            _bitmap?.MarkNeeded(0);
            Commit(EventTypes.MemberAdded, member, $"re-added to its old slot {slot} (events {former.Events})");
            Commit(EventTypes.RecoveryStarted, member, member.BitmapRecovery
                ? $"re-add: recovering only the {_bitmap!.DirtyChunks} chunks of {_bitmap.ChunkBytes} bytes the bitmap marks (events {former.Events} >= events_cleared {cleared})"
                : _bitmap == null
                    ? $"re-add without a bitmap: rebuilding slot {slot} in full"
                    : partlyRebuilt
                        ? $"re-add: its own rebuild stopped part-way, so it holds stale bytes past its recovery offset; rebuilding slot {slot} in full"
                        : $"re-add: events {former.Events} < the bitmap's events_cleared {cleared}, so it may have missed writes the bitmap no longer shows; rebuilding slot {slot} in full");
            _sync.Kick();
            return member;
        }
    }
}
