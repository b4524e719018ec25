using RaidEmu.Core.Devices;

namespace RaidEmu.Cli.Commands;

/// <summary>
/// Reads the blocks of a range of a volume ahead of the one thread that takes them in order, on two threads of its
/// own, each taking every other block. A healthy read from cached members is a copy out of the host's page cache
/// and a degraded one adds the XOR of the survivors: one thread of either keeps one core busy, so a second thread
/// is what a two-core machine has left to give. Memory stays at <see cref="Slots"/> blocks whatever the length.
/// Threads of its own rather than the thread pool: pool threads spin while they wait for work, and on two cores
/// that spinning took the time the copy needed.
/// </summary>
internal sealed class VolumeReadAhead : IDisposable
{
    private const int Readers = 2;

    // One block being taken while each reader fills one more.
    private const int Slots = Readers + 1;

    private readonly IBlockDevice _volume;
    private readonly long _offset;
    private readonly long _length;
    private readonly int _blockBytes;
    private readonly byte[][] _buffers = new byte[Slots][];
    private readonly long[] _held = [-1, -1, -1];
    private readonly Exception?[] _errors = new Exception?[Slots];
    private readonly Thread[] _threads = new Thread[Readers];
    private readonly object _gate = new();
    private long _taken;
    private bool _stopped;

    public VolumeReadAhead(IBlockDevice volume, long offset, long length, int blockBytes)
    {
        _volume = volume;
        _offset = offset;
        _length = length;
        _blockBytes = blockBytes;
        Blocks = (length + blockBytes - 1) / blockBytes;
        for (int i = 0; i < Slots; i++)
        {
            _buffers[i] = GC.AllocateUninitializedArray<byte>(blockBytes);
        }

        for (int r = 0; r < Readers; r++)
        {
            int first = r;
            _threads[r] = new Thread(() => Fill(first)) { IsBackground = true, Name = $"read-ahead-{r}" };
            _threads[r].Start();
        }
    }

    /// <summary>Blocks in the range; the last may be short.</summary>
    public long Blocks { get; }

    /// <summary>
    /// Waits for block <paramref name="block"/> (taken in order, from 0) and returns its bytes, valid until
    /// <see cref="Release"/>. A failed read of it is rethrown here, so errors surface in the order of the volume.
    /// </summary>
    public ReadOnlySpan<byte> Take(long block)
    {
        int slot = (int)(block % Slots);
        lock (_gate)
        {
            while (_held[slot] != block)
            {
                Monitor.Wait(_gate);
            }

            if (_errors[slot] is { } error)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            }
        }

        return _buffers[slot].AsSpan(0, LengthOf(block));
    }

    /// <summary>Hands the buffer of <paramref name="block"/> back for the block three further on.</summary>
    public void Release(long block)
    {
        lock (_gate)
        {
            _taken = block + 1;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Stops the readers and waits for them: their buffers must not be written after the caller moves on.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }
    }

    private int LengthOf(long block) => (int)Math.Min(_blockBytes, _length - (block * _blockBytes));

    private void Fill(long first)
    {
        for (long block = first; block < Blocks; block += Readers)
        {
            int slot = (int)(block % Slots);
            lock (_gate)
            {
                // The slot's previous block must have been taken and released.
                while (!_stopped && block - _taken >= Slots)
                {
                    Monitor.Wait(_gate);
                }

                if (_stopped)
                {
                    return;
                }
            }

            Exception? error = null;
            try
            {
                _volume.Read(_offset + (block * _blockBytes), _buffers[slot].AsSpan(0, LengthOf(block)));
            }
            catch (Exception ex)
            {
                error = ex;
            }

            lock (_gate)
            {
                _errors[slot] = error;
                _held[slot] = block;
                Monitor.PulseAll(_gate);
            }

            if (error != null)
            {
                return;
            }
        }
    }
}
