namespace RaidEmu.Core.Md;

/// <summary>
/// A member block that failed its checksum during a scrub, and what it holds of the volume. A RAID 5 parity block
/// holds no volume bytes of its own: it covers its whole stripe, so a reader can tell rotten data from rotten parity.
/// </summary>
/// <param name="Disk">The member's device number.</param>
/// <param name="MemberOffset">Offset in the member's data area.</param>
/// <param name="Length">Bytes of the block.</param>
/// <param name="LogicalOffset">Volume offset of the bytes the block holds; null for a parity block.</param>
/// <param name="ParityOfStripe">The stripe whose parity the block holds; null for a data block.</param>
/// <param name="StripeBytes">Volume bytes of one stripe (RAID 5), so a parity block covers [stripe × this, (stripe + 1) × this); 0 for RAID 1.</param>
/// <param name="Repaired">False when no redundancy was left to rebuild the block from (another copy or another block of its stripe failed too): it stays rotten and reads of it fail with EIO.</param>
public readonly record struct ChecksumFailure(int Disk, long MemberOffset, int Length, long? LogicalOffset, long? ParityOfStripe, long StripeBytes, bool Repaired = true);
