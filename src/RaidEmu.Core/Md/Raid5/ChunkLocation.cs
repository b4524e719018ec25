namespace RaidEmu.Core.Md.Raid5;

/// <summary>Where one logical byte of a RAID 5 lives.</summary>
/// <param name="Stripe">Stripe number: the row of chunks, and the chunk index on every member.</param>
/// <param name="DataIndex">Which data chunk of the stripe (0 .. members-2).</param>
/// <param name="Member">Slot that holds the data chunk.</param>
/// <param name="ParityMember">Slot that holds the stripe's parity.</param>
/// <param name="MemberOffset">Byte offset on the member, counted from the start of its data area.</param>
public readonly record struct ChunkLocation(long Stripe, int DataIndex, int Member, int ParityMember, long MemberOffset);
