using System.Runtime.ExceptionServices;
using RaidEmu.Core.Devices;

namespace RaidEmu.Live.Fuse;

/// <summary>
/// The kernel hands a sequential reader or writer's requests over one at a time, up to 1 MiB each (libfuse
/// raises max_pages to 256), so one libfuse thread would serve each while the other cores wait. A large
/// request is cut into pieces of whole 64 KiB units served at once, one per core, the calling thread taking
/// the first: the array serves concurrent requests anyway (NBD sends many). The request fails as a whole
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
        Run(length, (start, count) => device.Read(offset + start, new Span<byte>((byte*)at + start, count)));
    }

    public static unsafe void Write(IBlockDevice device, long offset, byte* buffer, int length)
    {
        nint at = (nint)buffer;
        Run(length, (start, count) => device.Write(offset + start, new ReadOnlySpan<byte>((byte*)at + start, count)));
    }

    private static void Run(int length, Action<int, int> piece)
    {
        int pieces = Math.Min(Environment.ProcessorCount, length / MinPiece);
        if (pieces <= 1)
        {
            piece(0, length);
            return;
        }

        int size = ((length / pieces) + Unit - 1) / Unit * Unit;
        var others = new Task[(length - 1) / size];
        for (int i = 0; i < others.Length; i++)
        {
            int start = (i + 1) * size;
            others[i] = Task.Run(() => piece(start, Math.Min(size, length - start)));
        }

        Exception? failure = null;
        try
        {
            piece(0, size);
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
