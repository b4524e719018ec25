using Microsoft.Win32.SafeHandles;

namespace RaidEmu.Core.Devices;

/// <summary>
/// Starts the host's write-out of file ranges on one background thread. Starting write-out is work of its
/// own (the host builds and submits the disk requests on the calling thread), and done by the thread that
/// writes the array it held up the copy; on its own thread it overlaps with the copy on the other core.
/// Each range is only a hint: when more than <see cref="Capacity"/> wait, a new one is dropped, and the flush
/// that follows a write makes its bytes durable either way.
/// </summary>
internal static class WriteBehind
{
    private const int Capacity = 64;

    private static readonly Queue<(SafeFileHandle Handle, long Offset, long Length)> s_queue = new();
    private static Thread? s_thread;

    public static void Start(SafeFileHandle handle, long offset, long length)
    {
        lock (s_queue)
        {
            if (s_queue.Count >= Capacity)
            {
                return;
            }

            s_queue.Enqueue((handle, offset, length));
            if (s_thread == null)
            {
                s_thread = new Thread(Work) { IsBackground = true, Name = "write-behind" };
                s_thread.Start();
            }
            else
            {
                Monitor.Pulse(s_queue);
            }
        }
    }

    private static void Work()
    {
        while (true)
        {
            (SafeFileHandle Handle, long Offset, long Length) range;
            lock (s_queue)
            {
                while (s_queue.Count == 0)
                {
                    Monitor.Wait(s_queue);
                }

                range = s_queue.Dequeue();
            }

            try
            {
                HostFile.StartWriteBack(range.Handle, range.Offset, range.Length);
            }
            catch (ObjectDisposedException)
            {
                // The device was closed since: its own flush or close already dealt with the range.
            }
        }
    }
}
