using RaidEmu.Core.Md;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Mdadm;

/// <summary>mdadm's create-time bitmap rules: whether to add one, its room and its chunk.</summary>
public static class BitmapPlanner
{
    /// <summary>True when mdadm 4.2 would add an internal bitmap by itself: members over 100 GiB.</summary>
    public static bool DefaultOn(long componentBytes) => componentBytes > ArrayCreateOptions.DefaultBitmapThresholdBytes;

    /// <summary>Refuses a bitmap chunk that is not a power of two of at least 4 KiB, or too small for the room.</summary>
    public static void CheckChunk(long chunkBytes, long componentBytes, long deviceBytes)
    {
        if (chunkBytes < 4096 || (chunkBytes & (chunkBytes - 1)) != 0 || chunkBytes > int.MaxValue)
        {
            throw new ArgumentException($"bitmap chunk {chunkBytes} must be a power of two of at least 4 KiB");
        }

        long min = BitmapSuperblock.MinChunkBytes(componentBytes, BitmapSuperblock.RoomBytes(deviceBytes));
        if (chunkBytes < min)
        {
            throw new ArgumentException($"bitmap chunk {chunkBytes} is too small: the bits would not fit the bitmap's room; use at least {min}");
        }
    }

    /// <summary>The bitmap a new array gets, or null for none.</summary>
    internal static WriteIntentBitmap? ForCreate(ArrayCreateOptions options, Guid uuid, ArrayGeometry geometry, long deviceBytes)
    {
        if (!(options.Bitmap ?? DefaultOn(geometry.ComponentBytes)))
        {
            return null;
        }

        long room = BitmapSuperblock.RoomBytes(deviceBytes);
        long chunk = options.BitmapChunkBytes ?? BitmapSuperblock.DefaultChunkBytes(geometry.ComponentBytes, room);
        CheckChunk(chunk, geometry.ComponentBytes, deviceBytes);
        if (options.BitmapDelaySeconds < 1)
        {
            throw new ArgumentException($"bitmap delay {options.BitmapDelaySeconds} must be at least 1 second");
        }

        return WriteIntentBitmap.Create(uuid, geometry.ComponentBytes, chunk, options.BitmapDelaySeconds, room);
    }
}
