using RaidEmu.Core.Devices.Timing;

namespace RaidEmu.Core.Faults;

/// <summary>
/// The rotten bits of a corrupt range: one to three bits of each sector, chosen from (seed, sector) alone, so
/// every read of a sector returns the same wrong bytes however the read is cut.
/// </summary>
internal static class BitRot
{
    private const int SectorBits = Fault.SectorBytes * 8;

    /// <summary>Flips the rotten bits of <paramref name="fault"/> inside <paramref name="buffer"/>, which holds the data-area bytes from <paramref name="dataStart"/>.</summary>
    public static void Apply(Fault fault, long dataStart, Span<byte> buffer)
    {
        long first = FaultRange.FloorSector(dataStart);
        long last = FaultRange.FloorSector(dataStart + buffer.Length - 1);
        if (fault.FirstSector is long from)
        {
            first = Math.Max(first, from);
            last = Math.Min(last, from + (fault.SectorCount ?? 0) - 1);
        }

        for (long sector = first; sector <= last; sector++)
        {
            foreach (int bit in Bits(fault.Seed, sector))
            {
                long at = (sector * Fault.SectorBytes) + (bit / 8) - dataStart;
                if (at >= 0 && at < buffer.Length)
                {
                    buffer[(int)at] ^= (byte)(1 << (bit % 8));
                }
            }
        }
    }

    /// <summary>The distinct bit positions (0..4095) flipped in <paramref name="sector"/>.</summary>
    public static IEnumerable<int> Bits(long seed, long sector)
    {
        int count = 1 + (int)(Seeded.Mix(seed, sector) % 3);
        int start = (int)(Seeded.Mix(seed, sector, 1) % SectorBits);

        // A step below a third of the sector keeps up to three positions apart.
        int step = 1 + (int)(Seeded.Mix(seed, sector, 2) % ((SectorBits / 3) - 1));
        for (int k = 0; k < count; k++)
        {
            yield return (start + (k * step)) % SectorBits;
        }
    }
}
