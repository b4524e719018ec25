using System.Runtime.Intrinsics;

namespace RaidEmu.Core.Parity;

/// <summary>
/// Whether a stripe's columns, parity among them, XOR to zero, page by page: what a scrub asks of each page, in
/// one read of every column. Computing the parity into scratch and comparing it with the stored one read the
/// data, wrote the result, and read it and the parity again.
/// </summary>
internal static unsafe class ParityCheck
{
    /// <summary>
    /// The pages of <paramref name="pageBytes"/> (counted from the start, the last one possibly short) within
    /// <paramref name="width"/> bytes where the XOR of all <paramref name="count"/> columns is not zero.
    /// </summary>
    public static int MismatchedPages(byte** columns, int count, int width, int pageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageBytes, 1);
        int mismatched = 0;
        for (int page = 0; page < width; page += pageBytes)
        {
            if (!XorsToZero(columns, count, page, Math.Min(pageBytes, width - page)))
            {
                mismatched++;
            }
        }

        return mismatched;
    }

    private static bool XorsToZero(byte** columns, int count, int from, int length)
    {
        int at = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            const int Step = 4 * 32;
            var any = Vector256<byte>.Zero;
            for (; at + Step <= length; at += Step)
            {
                byte* first = columns[0] + from + at;
                var a = Vector256.Load(first);
                var b = Vector256.Load(first + 32);
                var c = Vector256.Load(first + 64);
                var d = Vector256.Load(first + 96);
                for (int k = 1; k < count; k++)
                {
                    byte* p = columns[k] + from + at;
                    a ^= Vector256.Load(p);
                    b ^= Vector256.Load(p + 32);
                    c ^= Vector256.Load(p + 64);
                    d ^= Vector256.Load(p + 96);
                }

                any |= a | b | c | d;
            }

            if (any != Vector256<byte>.Zero)
            {
                return false;
            }
        }

        for (; at < length; at++)
        {
            byte x = 0;
            for (int k = 0; k < count; k++)
            {
                x ^= columns[k][from + at];
            }

            if (x != 0)
            {
                return false;
            }
        }

        return true;
    }
}
