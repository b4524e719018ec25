using System.Globalization;

namespace RaidEmu.Cli.Output;

/// <summary>Byte counts as users type them (4096, 64K, 20M, 1G: powers of 1024) and as we print them.</summary>
internal static class Sizes
{
    public static long Parse(string text, string what)
    {
        string t = text.Trim();
        long unit = 1;
        if (t.Length > 0 && char.IsLetter(t[^1]))
        {
            unit = char.ToUpperInvariant(t[^1]) switch
            {
                'K' => 1L << 10,
                'M' => 1L << 20,
                'G' => 1L << 30,
                'T' => 1L << 40,
                _ => 0,
            };
            t = t[..^1];
        }

        if (unit == 0 || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            throw new UsageException($"{what} '{text}' is not a size: use a whole number of bytes, optionally with K, M or G");
        }

        if (value > long.MaxValue / unit)
        {
            throw new UsageException($"{what} '{text}' is too large");
        }

        return value * unit;
    }

    public static long ParseOptional(string? text, string what, long fallback) => text == null ? fallback : Parse(text, what);

    public static string Human(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int i = 0;
        while (value >= 1024 && i < units.Length - 1)
        {
            value /= 1024;
            i++;
        }

        return i == 0 ? $"{bytes} bytes" : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[i]}");
    }
}
