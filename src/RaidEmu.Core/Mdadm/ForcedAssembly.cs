using RaidEmu.Core.Md;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Mdadm;

/// <summary>
/// What <c>mdadm --assemble --force</c> does when too few members are current to start: it takes back, freshest
/// first, members that were failed or left behind while still holding whole data for their slot, until the array
/// can run. After a host error failed members one after another, the last one to go missed no write (the array
/// failed with it), so its data matches the others.
/// </summary>
internal static class ForcedAssembly
{
    /// <summary>
    /// Puts members back into their slots until <see cref="ArrayGeometry.MinInSync"/> are in sync; returns one line
    /// per member taken and why. Members being rebuilt part-way are never taken: their data is incomplete.
    /// </summary>
    public static List<string> TakeBack(ArrayGeometry geometry, IReadOnlyList<Member> members, Member?[] slots, Superblock reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ulong events = reference.Events;
        var notes = new List<string>();
        var candidates = members
            .Where(m => m.OnDisk is { } own
                && own.OwnRole < geometry.RaidDisks
                && (own.FeatureMap & Superblock.FeatureRecoveryOffset) == 0
                && (m.State is MemberState.Faulty or MemberState.Stale || (m.State == MemberState.Rebuilding && m.WasStale))
                && SawEveryOtherFailure(own, reference, geometry.RaidDisks))
            .OrderByDescending(m => m.Events)
            .ToList();
        foreach (var member in candidates)
        {
            if (slots.Count(m => m is { State: MemberState.InSync }) >= geometry.MinInSync)
            {
                break;
            }

            int slot = member.OnDisk!.OwnRole;
            if (slots[slot] is { } holder && holder != member)
            {
                continue;
            }

            string was = member.State == MemberState.Faulty ? "marked faulty" : "behind the others";
            member.State = MemberState.InSync;
            member.Slot = slot;
            member.WasStale = false;
            member.RecoveryOffset = 0;
            slots[slot] = member;
            notes.Add($"disk {member.DevNumber} ({Path.GetFileName(member.Path) ?? "device"}) taken back into slot {slot}: {was}, events {member.Events} of {events}, and the freshest of those that held the slot in full");
        }

        return notes;
    }

    /// <summary>
    /// True when every other device the freshest superblock has out of the array was already out in this member's
    /// own last superblock: the member went last, when the array failed, so it missed no write. A member that
    /// still saw another in its slot failed first, and the array ran on (and was written) without it.
    /// </summary>
    private static bool SawEveryOtherFailure(Superblock own, Superblock reference, int raidDisks)
    {
        for (int dev = 0; dev < reference.Roles.Length; dev++)
        {
            bool outNow = reference.Roles[dev] >= raidDisks;
            bool inThen = dev < own.Roles.Length && own.Roles[dev] < raidDisks;
            if (dev != own.DevNumber && outNow && inThen)
            {
                return false;
            }
        }

        return true;
    }
}
