using System.Runtime.ExceptionServices;
using RaidEmu.Core.Devices;

namespace RaidEmu.Live.Fuse;

/// <summary>
/// The kernel hands a sequential reader or writer's requests over one at a time, up to 1 MiB each (libfuse
/// raises max_pages to 256), so one libfuse thread would serve each while the other cores wait. A large
/// request is cut into pieces served at once, one per core, the calling thread taking the first: the array
/// serves concurrent requests anyway (NBD sends many). A read is cut into pieces of whole 64 KiB units, a
/// write to a RAID 5 only where its stripes end. The request fails as a whole
/// when a piece fails; a full host file system is reported as such before any other error.
/// </summary>
internal static class SplitIo
{
    /// <summary>Smaller requests are served whole: splitting them costs more than it saves.</summary>
    private const int MinPiece = 256 * 1024;

    private const int Unit = 64 * 1024;

    public static unsafe void Read(IBlockDevice device, long offset, byte* buffer, int length)
    {
        nint at = (nint)buffer;
        Run(EvenCuts(length), length, (start, count) => device.Read(offset + start, new Span<byte>((byte*)at + start, count)));
    }

    /// <summary>
    /// A write to a RAID 5 (<paramref name="stripe"/> bytes of data per stripe) is cut only where stripes end: two
    /// pieces of one stripe would each read and rewrite its parity, one after the other under the stripe's lock,
    /// where the whole request reads what it does not cover once.
    /// </summary>
    public static unsafe void Write(IBlockDevice device, long offset, byte* buffer, int length, long stripe)
    {
        nint at = (nint)buffer;
        Run(stripe > 0 ? StripeCuts(offset, length, stripe) : EvenCuts(length), length, (start, count) => device.Write(offset + start, new ReadOnlySpan<byte>((byte*)at + start, count)));
    }

    /// <summary>Where the pieces after the first start: equal pieces of whole units, one per core.</summary>
    private static int[] EvenCuts(int length)
    {
        int pieces = Math.Min(Environment.ProcessorCount, length / MinPiece);
        if (pieces <= 1)
        {
            return [];
        }

        int size = ((length / pieces) + Unit - 1) / Unit * Unit;
        var cuts = new int[(length - 1) / size];
        for (int i = 0; i < cuts.Length; i++)
        {
            cuts[i] = (i + 1) * size;
        }

        return cuts;
    }

    /// <summary>Where the pieces after the first start: at stripe ends, as many whole stripes in each as spreads them over the cores.</summary>
    private static int[] StripeCuts(long offset, int length, long stripe)
    {
        long first = offset / stripe;
        int stripes = (int)(((offset + length - 1) / stripe) - first + 1);
        int pieces = Math.Min(Environment.ProcessorCount, stripes);
        if (pieces <= 1 || length < MinPiece)
        {
            return [];
        }

        int each = (stripes + pieces - 1) / pieces;
        var cuts = new List<int>(pieces - 1);
        for (long s = first + each; s <= first + stripes - 1; s += each)
        {
            cuts.Add((int)((s * stripe) - offset));
        }

        return [.. cuts];
    }

    /// <summary>Serves the pieces that start at 0 and at each of <paramref name="cuts"/> at once, the calling thread taking the first.</summary>
    private static void Run(int[] cuts, int length, Action<int, int> piece)
    {
        if (cuts.Length == 0)
        {
            piece(0, length);
            return;
        }

        var others = new Task[cuts.Length];
        for (int i = 0; i < others.Length; i++)
        {
            int start = cuts[i];
            int end = i + 1 < cuts.Length ? cuts[i + 1] : length;
            others[i] = Task.Run(() => piece(start, end - start));
        }

        Exception? failure = null;
        try
        {
            piece(0, cuts[0]);
        }
#pragma warning disable CA1031 // Rethrown below, once every piece has ended: none may outlive the request's buffer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }

        foreach (var task in others)
        {
            try
            {
                task.Wait();
            }
            catch (AggregateException ex)
            {
                var inner = ex.InnerException!;
                failure = failure is null || inner is HostFullException ? inner : failure;
            }
        }

        if (failure != null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }
}
