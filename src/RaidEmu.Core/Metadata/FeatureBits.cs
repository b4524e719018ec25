namespace RaidEmu.Core.Metadata;

/// <summary>md's feature_map bits (MD_FEATURE_* in md_p.h): which RaidEmu implements and what the others are called.</summary>
public static class FeatureBits
{
    /// <summary>
    /// Bits RaidEmu can run with: the internal bitmap, recovery_offset, bitmap-based recovery (a re-add), the bad-block log
    /// (read at assembly, written with the superblock), and raid0's layout flag, which means nothing for RAID 1 or 5.
    /// </summary>
    public const uint Supported = Superblock.FeatureBitmap | Superblock.FeatureRecoveryOffset | Superblock.FeatureRecoveryBitmap | Superblock.FeatureBadBlocks | 0x1000;

    private static readonly (uint Bit, string Name)[] s_names =
    [
        (0x4, "reshape in progress"),
        (0x10, "replacement device"),
        (0x20, "reshape running backwards"),
        (0x40, "new data offset (reshape)"),
        (0x80, "bitmap-based recovery"),
        (0x100, "clustered md"),
        (0x200, "write journal"),
        (0x400, "partial parity log (PPL)"),
        (0x800, "multiple PPLs"),
    ];

    /// <summary>The names of the bits in <paramref name="featureMap"/> RaidEmu does not implement; empty when none.</summary>
    public static IReadOnlyList<string> Unsupported(uint featureMap)
    {
        uint rest = featureMap & ~Supported;
        var names = new List<string>();
        foreach (var (bit, name) in s_names)
        {
            if ((rest & bit) != 0)
            {
                names.Add($"{name} (0x{bit:x})");
                rest &= ~bit;
            }
        }

        if (rest != 0)
        {
            names.Add($"unknown feature bits 0x{rest:x}");
        }

        return names;
    }
}
