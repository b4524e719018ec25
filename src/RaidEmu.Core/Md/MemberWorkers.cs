using System.Diagnostics;

namespace RaidEmu.Core.Md;

/// <summary>
/// A fixed set of threads that carry out the member I/Os of one stripe operation side by side, as md issues a
/// stripe's member requests together. The caller runs the first I/O itself and takes back any a worker has not
/// picked up yet, so a busy pool only means less overlap, never a wait on a queue; threads are one fewer than the
/// members an operation can touch, whatever the number of concurrent operations. Blocking threads rather than
/// the thread pool: a member read may sleep (the timing model) and must not starve the pool that serves clients.
/// </summary>
internal sealed class MemberWorkers : IDisposable
{
    // Waiting workers block on a monitor rather than spin (as a SemaphoreSlim does): on two cores, spinning
    // workers take the time the caller needs to run the batch itself.
    // I/Os that take less than this run one after another on the caller: waking a worker and waiting for it
    // costs tens of microseconds on a busy 2-core machine, more than a page-cached member read of a chunk, so
    // hand-offs would cost more than the overlap saves. Slow I/Os (a disk, the timing model) still overlap.
    private static readonly long s_inlineBelowTicks = Stopwatch.Frequency / 10_000;

    private readonly Queue<Batch> _queue = new();
    private readonly object _ready = new();
    private readonly Thread[] _threads;
    private readonly Lock _startGate = new();
    private volatile bool _started;
    private volatile bool _stopped;

    // A running average of how long one body took; racy updates are fine, it only picks the strategy.
    private long _averageTicks;

    public MemberWorkers(int threads) => _threads = new Thread[Math.Max(0, threads)];

    /// <summary>
    /// Runs <paramref name="body"/> for every index below <paramref name="count"/> and returns only when all are done,
    /// even when some threw: the bodies write into memory the caller owns (a request buffer, pooled scratch), which must
    /// not be touched after the caller moves on. The first exception in index order is then rethrown; one on a worker
    /// thread would otherwise end the process.
    /// </summary>
    public void Run(int count, Action<int> body)
    {
        if (count <= 1 || _threads.Length == 0 || _stopped || Volatile.Read(ref _averageTicks) < s_inlineBelowTicks)
        {
            RunInline(count, body);
            return;
        }

        EnsureStarted();
        using var batch = new Batch(this, body, count);
        int handed = Math.Min(count - 1, _threads.Length);
        lock (_ready)
        {
            for (int i = 0; i < handed; i++)
            {
                _queue.Enqueue(batch);
                Monitor.Pulse(_ready);
            }
        }

        batch.RunIndex(0);
        while (batch.RunOne())
        {
        }

        batch.Wait();
        batch.ThrowFirstError();
    }

    /// <summary>
    /// Runs every body on the caller, in index order, and still returns only when all are done: the first exception
    /// in index order is rethrown after the rest have run, as when they run side by side.
    /// </summary>
    private void RunInline(int count, Action<int> body)
    {
        Exception? first = null;
        for (int i = 0; i < count; i++)
        {
            long began = Stopwatch.GetTimestamp();
            try
            {
                body(i);
            }
            catch (Exception ex)
            {
                first ??= ex;
            }

            Note(Stopwatch.GetTimestamp() - began);
        }

        if (first != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
    }

    private void Note(long ticks)
    {
        long average = Volatile.Read(ref _averageTicks);
        Volatile.Write(ref _averageTicks, average + ((ticks - average) / 8));
    }

    /// <summary>Stops the threads once the I/Os they run are done; batches still queued are run by their callers.</summary>
    public void Dispose()
    {
        lock (_startGate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
        }

        if (_started)
        {
            lock (_ready)
            {
                Monitor.PulseAll(_ready);
            }

            foreach (var thread in _threads)
            {
                thread.Join();
            }
        }
    }

    private void EnsureStarted()
    {
        if (_started)
        {
            return;
        }

        lock (_startGate)
        {
            if (_started || _stopped)
            {
                return;
            }

            for (int i = 0; i < _threads.Length; i++)
            {
                _threads[i] = new Thread(Work) { IsBackground = true, Name = $"member-io-{i}" };
                _threads[i].Start();
            }

            _started = true;
        }
    }

    private void Work()
    {
        while (true)
        {
            Batch batch;
            lock (_ready)
            {
                while (_queue.Count == 0 && !_stopped)
                {
                    Monitor.Wait(_ready);
                }

                if (_stopped)
                {
                    return;
                }

                batch = _queue.Dequeue();
            }

            batch.RunOne();
        }
    }

    /// <summary>The indices of one operation still to run; whoever claims an index first runs it.</summary>
    private sealed class Batch(MemberWorkers owner, Action<int> body, int count) : IDisposable
    {
        private readonly ManualResetEventSlim _done = new(false);
        private readonly Exception?[] _errors = new Exception?[count];
        private int _next = 1;
        private int _pending = count - 1;

        public bool RunOne()
        {
            int i = Interlocked.Increment(ref _next) - 1;
            if (i >= count)
            {
                return false;
            }

            try
            {
                RunIndex(i);
            }
            finally
            {
                if (Interlocked.Decrement(ref _pending) == 0)
                {
                    _done.Set();
                }
            }

            return true;
        }

        public void RunIndex(int i)
        {
            long began = Stopwatch.GetTimestamp();
            try
            {
                body(i);
            }
            catch (Exception ex)
            {
                _errors[i] = ex;
            }

            owner.Note(Stopwatch.GetTimestamp() - began);
        }

        public void Wait() => _done.Wait();

        public void ThrowFirstError()
        {
            foreach (var error in _errors)
            {
                if (error != null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
                }
            }
        }

        public void Dispose() => _done.Dispose();
    }
}
