using RaidEmu.Core.Md.Raid5;

namespace RaidEmu.Core.Md;

/// <summary>
/// Which logical bytes no member can serve: where, at the same member offsets, more columns are unavailable
/// (missing, not yet rebuilt, or recorded bad) than the level's redundancy covers.
/// </summary>
internal static class LostRegions
{
    public static IReadOnlyList<ByteRange> Compute(ArrayGeometry geometry, Member?[] slots)
    {
        // Without a recorded bad block, only missing members make data unavailable, and that many fail the array.
        // Checked first, so that the common case compiles none of the generics over tuples below at run time.
        if (!AnyBadBlocks(slots))
        {
            return [];
        }

        long component = geometry.ComponentBytes;
        var runs = new List<(long Start, long End)>[slots.Length];
        bool anyBad = false;
        for (int slot = 0; slot < slots.Length; slot++)
        {
            var member = slots[slot];
            runs[slot] = [];
            if (member == null)
            {
                runs[slot].Add((0, component));
                continue;
            }

            foreach (var bad in member.BadBlocks.Runs.Where(r => r.Sector * 512 < component))
            {
                runs[slot].Add((bad.Sector * 512, Math.Min(component, bad.End * 512)));
                anyBad = true;
            }

            if (member.State == MemberState.Rebuilding && member.RecoveryOffset < component)
            {
                runs[slot].Add((member.RecoveryOffset, component));
            }
        }

        // Without a recorded bad block, only missing members make data unavailable, and that many fail the array.
        if (!anyBad)
        {
            return [];
        }

        var edges = runs.SelectMany(r => r).SelectMany(r => new[] { r.Start, r.End }).Distinct().Order().ToArray();
        int needed = geometry.Level == RaidLevel.Raid1 ? slots.Length : 2;
        var lost = new List<ByteRange>();
        for (int i = 0; i + 1 < edges.Length; i++)
        {
            long a = edges[i];
            long b = edges[i + 1];
            var down = Enumerable.Range(0, slots.Length).Where(s => runs[s].Any(r => r.Start <= a && b <= r.End)).ToArray();
            if (down.Length < needed)
            {
                continue;
            }

            if (geometry.Level == RaidLevel.Raid1)
            {
                lost.Add(new ByteRange(a, b - a));
                continue;
            }

            AddRaid5(geometry, down, a, b, lost);
        }

        return Merge(lost);
    }

    private static void AddRaid5(ArrayGeometry geometry, int[] down, long a, long b, List<ByteRange> lost)
    {
        long chunk = geometry.ChunkBytes;
        int disks = geometry.RaidDisks;
        long stripeBytes = (disks - 1) * chunk;
        while (a < b)
        {
            long stripe = a / chunk;
            long end = Math.Min(b, (stripe + 1) * chunk);
            int parity = Raid5Layout.ParityMember(geometry.Algorithm, stripe, disks);
            foreach (int slot in down)
            {
                if (slot != parity)
                {
                    int k = Raid5Layout.DataIndexOf(geometry.Algorithm, stripe, slot, disks);
                    lost.Add(new ByteRange((stripe * stripeBytes) + (k * chunk) + (a - (stripe * chunk)), end - a));
                }
            }

            a = end;
        }
    }

    private static List<ByteRange> Merge(List<ByteRange> ranges)
    {
        var merged = new List<ByteRange>();
        foreach (var r in ranges.OrderBy(r => r.Offset))
        {
            if (merged.Count > 0 && merged[^1].Offset + merged[^1].Length >= r.Offset)
            {
                var last = merged[^1];
                merged[^1] = new ByteRange(last.Offset, Math.Max(last.Offset + last.Length, r.Offset + r.Length) - last.Offset);
            }
            else
            {
                merged.Add(r);
            }
        }

        return merged;
    }

    private static bool AnyBadBlocks(Member?[] slots)
    {
        foreach (var member in slots)
        {
            if (member != null && !member.BadBlocks.IsEmpty)
            {
                return true;
            }
        }

        return false;
    }
}
