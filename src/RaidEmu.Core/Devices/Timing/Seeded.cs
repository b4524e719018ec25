namespace RaidEmu.Core.Devices.Timing;

/// <summary>
/// Random choices that are a pure function of a seed and a position (an I/O's number, a sector), so the same
/// seed makes the same choices in every run and on every thread, with no shared generator to lock.
/// </summary>
public static class Seeded
{
    /// <summary>A well-mixed 64-bit value of (<paramref name="seed"/>, <paramref name="a"/>, <paramref name="b"/>): SplitMix64's finaliser over each.</summary>
    public static ulong Mix(long seed, long a, long b = 0)
    {
        ulong x = Finalise((ulong)seed ^ 0x9E3779B97F4A7C15UL);
        x = Finalise(x ^ (ulong)a);
        return Finalise(x ^ ((ulong)b * 0xD1B54A32D192ED03UL));
    }

    /// <summary>A uniform draw in [0, 1) for (<paramref name="seed"/>, <paramref name="a"/>, <paramref name="b"/>).</summary>
    public static double Unit(long seed, long a, long b = 0) => (Mix(seed, a, b) >> 11) * (1.0 / (1UL << 53));

    private static ulong Finalise(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
