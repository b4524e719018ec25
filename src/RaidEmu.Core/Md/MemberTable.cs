namespace RaidEmu.Core.Md;

/// <summary>
/// The array's members and md's slot table (which member holds each raid slot). Not locked itself: the
/// array changes it under its state lock. The slot table is replaced, never changed in place, so the I/O
/// path reads a consistent snapshot without the lock.
/// </summary>
internal sealed class MemberTable
{
    private readonly List<Member> _members;
    private volatile Member?[] _slots;

    public MemberTable(IEnumerable<Member> members, int raidDisks)
    {
        _members = [.. members];
        var slots = new Member?[raidDisks];
        foreach (var member in _members.Where(m => m.State is MemberState.InSync or MemberState.Rebuilding))
        {
            slots[member.Slot] = member;
        }

        _slots = slots;
    }

    /// <summary>Every attached member, in the order they were attached.</summary>
    public IReadOnlyList<Member> All => _members;

    /// <summary>Snapshot: the member holding each slot (in sync or rebuilding), or null.</summary>
    public Member?[] Slots => _slots;

    /// <summary>Slots held by an in-sync member.</summary>
    public int InSyncCount => _slots.Count(m => m is { State: MemberState.InSync });

    /// <summary>The lowest empty slot, or -1.</summary>
    public int FreeSlot => Array.IndexOf(_slots, null);

    public Member? Find(int devNumber) => _members.FirstOrDefault(m => m.DevNumber == devNumber);

    /// <summary>The lowest device number no member uses, which is what md gives a new member.</summary>
    public int NextDevNumber()
    {
        int number = 0;
        while (Find(number) != null)
        {
            number++;
        }

        return number;
    }

    /// <summary>The hot spare that takes the next empty slot: the lowest device number.</summary>
    public Member? FirstSpare() => _members.Where(m => m.State == MemberState.Spare).OrderBy(m => m.DevNumber).FirstOrDefault();

    public void Attach(Member member) => _members.Add(member);

    public void Detach(Member member) => _members.Remove(member);

    /// <summary>Puts <paramref name="member"/> in <paramref name="slot"/> to be rebuilt from its start.</summary>
    public void TakeSlot(Member member, int slot)
    {
        member.State = MemberState.Rebuilding;
        member.Slot = slot;
        member.RecoveryOffset = 0;
        Replace(slot, member);
    }

    /// <summary>Empties the slot <paramref name="member"/> holds; the member keeps the number as the slot it last held.</summary>
    public void Vacate(Member member) => Replace(member.Slot, null);

    private void Replace(int slot, Member? member)
    {
        var slots = (Member?[])_slots.Clone();
        slots[slot] = member;
        _slots = slots;
    }
}
