using System.Globalization;

namespace RaidEmu.Core.Md;

/// <summary>What one resync or recovery run covered: member bytes synced, and bytes the bitmap let it skip.</summary>
/// <param name="SyncedBytes">Member bytes read and rewritten.</param>
/// <param name="SkippedBytes">Member bytes skipped because their bitmap bits were clear.</param>
/// <param name="UsedBitmap">True when the write-intent bitmap decided what to skip.</param>
internal readonly record struct SyncCounts(long SyncedBytes, long SkippedBytes, bool UsedBitmap)
{
    /// <summary>The phrase written into the completion event; status reads the figures back from it.</summary>
    public string Describe() => UsedBitmap
        ? string.Create(CultureInfo.InvariantCulture, $"synced {SyncedBytes} bytes, bitmap skipped {SkippedBytes} bytes")
        : string.Create(CultureInfo.InvariantCulture, $"synced {SyncedBytes} bytes, no bitmap");
}
