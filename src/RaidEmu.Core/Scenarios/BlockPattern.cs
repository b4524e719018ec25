using System.Runtime.InteropServices;

namespace RaidEmu.Core.Scenarios;

/// <summary>
/// The bytes the workload writes to a block, regenerated from (seed, block, version) whenever needed, so the
/// verifier never holds the volume in memory and a rewrite of a block never looks like its older version.
/// </summary>
public static class BlockPattern
{
    /// <summary>Fills <paramref name="destination"/> (a multiple of 8 bytes) with version <paramref name="version"/> of block <paramref name="block"/>.</summary>
    public static void Fill(Span<byte> destination, long seed, long block, int version)
    {
        ulong state = Mix((ulong)seed ^ Mix((ulong)block * 0x9E3779B97F4A7C15UL) ^ Mix((ulong)version + 0x632BE59BD9B4E019UL));
        var words = MemoryMarshal.Cast<byte, ulong>(destination);
        for (int i = 0; i < words.Length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            words[i] = Mix(state);
        }
    }

    /// <summary>SplitMix64's finaliser: a fixed, well-spread function, the same on every .NET version.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
