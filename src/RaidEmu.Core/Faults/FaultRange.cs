namespace RaidEmu.Core.Faults;

/// <summary>Where a fault lies in device bytes, and what is left of it after the drive rewrites sectors.</summary>
internal static class FaultRange
{
    /// <summary>True when <paramref name="fault"/> applies to an I/O of <paramref name="length"/> bytes at data-area byte <paramref name="dataStart"/> (a flush has length 0 and meets only whole-disk faults).</summary>
    public static bool Hits(Fault fault, long dataStart, long length) =>
        fault.WholeDisk || (length > 0 && fault.Touches(dataStart, length));

    /// <summary>The device bytes of [<paramref name="offset"/>, +<paramref name="length"/>) that <paramref name="fault"/> covers.</summary>
    public static (long Offset, long Length) Overlap(Fault fault, long dataOffset, long offset, long length)
    {
        if (fault.FirstSector is not long first)
        {
            return (offset, length);
        }

        long from = Math.Max(offset, dataOffset + (first * Fault.SectorBytes));
        long to = Math.Min(offset + length, dataOffset + ((first + (fault.SectorCount ?? 0)) * Fault.SectorBytes));
        return (from, to - from);
    }

    /// <summary>
    /// What is left of ranged <paramref name="fault"/> once the data-area bytes [<paramref name="dataStart"/>, +<paramref name="length"/>)
    /// were written: the sectors the write covered in full are remapped. Null when the write covered none of them.
    /// </summary>
    public static Fault[]? Narrow(Fault fault, long dataStart, long length)
    {
        if (fault.FirstSector is not long first || fault.SectorCount is not long count)
        {
            return null;
        }

        long coveredFrom = Math.Max(first, CeilSector(dataStart));
        long coveredTo = Math.Min(first + count, FloorSector(dataStart + length));
        if (coveredFrom >= coveredTo)
        {
            return null;
        }

        var left = new List<Fault>(2);
        if (coveredFrom > first)
        {
            left.Add(fault with { SectorCount = coveredFrom - first });
        }

        if (coveredTo < first + count)
        {
            left.Add(fault with { FirstSector = coveredTo, SectorCount = first + count - coveredTo });
        }

        return [.. left];
    }

    /// <summary>The sector holding data-area byte <paramref name="dataByte"/> (negative below the data area).</summary>
    public static long FloorSector(long dataByte) =>
        dataByte >= 0 ? dataByte / Fault.SectorBytes : -((-dataByte + Fault.SectorBytes - 1) / Fault.SectorBytes);

    private static long CeilSector(long dataByte) => -FloorSector(-dataByte);
}
