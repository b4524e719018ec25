namespace RaidEmu.Core.Integrity;

/// <summary>The checksum kept for every block of a member's data area; the numbers are stored in the sidecar header.</summary>
public enum IntegrityAlgorithm
{
    /// <summary>No checksums: the members are exactly md's and no sidecar exists.</summary>
    None = 0,

    /// <summary>XXH3 64-bit: many GB/s per core; 8-byte tags.</summary>
    Xxh3 = 1,

    /// <summary>CRC-32C (Castagnoli), the checksum dm-integrity and iSCSI use; 4-byte tags.</summary>
    Crc32C = 2,
}
