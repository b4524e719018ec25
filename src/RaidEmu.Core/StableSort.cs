namespace RaidEmu.Core;

/// <summary>
/// A stable insertion sort for the handful of members, files or superblocks a command orders. LINQ's sorter over
/// value-type keys is compiled at run time in every command; this, over reference types, comes precompiled.
/// </summary>
internal static class StableSort
{
    /// <summary>Sorts <paramref name="items"/> in place by <paramref name="compare"/>; equal items keep their order.</summary>
    public static void InPlace<T>(List<T> items, Comparison<T> compare)
        where T : class
    {
        for (int i = 1; i < items.Count; i++)
        {
            var item = items[i];
            int j = i - 1;
            for (; j >= 0 && compare(items[j], item) > 0; j--)
            {
                items[j + 1] = items[j];
            }

            items[j + 1] = item;
        }
    }
}
