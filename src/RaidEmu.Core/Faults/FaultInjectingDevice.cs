using System.Collections.Concurrent;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Devices.Timing;

namespace RaidEmu.Core.Faults;

/// <summary>
/// One member's device as its faults make it behave. It reads the shared <see cref="FaultSet"/> on every I/O
/// (a version check when nothing changed, nothing more when the disk has no fault), so faults added to or
/// cleared from a live array apply at once. Ranged faults count sectors of the data area, from
/// <see cref="DataOffset"/>: the superblock, bitmap and bad-block log below it meet only whole-disk faults.
/// Every random choice is drawn from the fault's seed and the I/O's number on this device, or the sector's.
/// </summary>
public sealed class FaultInjectingDevice : IBlockDevice
{
    /// <summary>How long a hang fault without a duration holds an I/O: the Linux SCSI command timeout.</summary>
    public const int DefaultHangMs = 30_000;

    private readonly IBlockDevice _inner;
    private readonly bool _ownsInner;
    private readonly DeviceClock _clock;
    private readonly ServiceSchedule _slow;
    private readonly VanishTimers _vanish;
    // Made at the first fail-after fault: built in every constructor, this dictionary over int keys was compiled
    // at run time, with full optimization, in every short command.
    private ConcurrentDictionary<int, WriteCount>? _written;
    private DiskFaults _view = DiskFaults.Stale;
    private long _ios;

    /// <summary>Applies the faults of member <paramref name="disk"/> in <paramref name="faults"/> to <paramref name="inner"/>, whose data area starts at byte <paramref name="dataOffset"/>.</summary>
    public FaultInjectingDevice(IBlockDevice inner, int disk, long dataOffset, FaultSet faults, DeviceClock? clock = null, bool ownsInner = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(faults);
        _inner = inner;
        _ownsInner = ownsInner;
        _clock = clock ?? DeviceClock.System;
        Disk = disk;
        DataOffset = dataOffset;
        Faults = faults;
        _slow = Schedules.For(_clock);
        _vanish = new VanishTimers(disk, faults, _clock);
    }

    /// <summary>The member's number (N of disk&lt;N&gt;.img), which its faults name.</summary>
    public int Disk { get; }

    /// <summary>Where the member's data area starts, in bytes.</summary>
    public long DataOffset { get; }

    /// <summary>The array's faults.</summary>
    public FaultSet Faults { get; }

    /// <summary>The device the faults apply over.</summary>
    internal IBlockDevice Inner => _inner;

    /// <inheritdoc />
    public long Length => _inner.Length;

    /// <inheritdoc />
    public int SectorSize => _inner.SectorSize;

    /// <inheritdoc />
    public void Read(long offset, Span<byte> destination)
    {
        var view = Current();
        if (view.IsEmpty)
        {
            _inner.Read(offset, destination);
            return;
        }

        long dataStart = offset - DataOffset;
        long done = Admit(view, dataStart, destination.Length, write: false);
        try
        {
            ThrowMediumError(view, FaultKind.Unreadable, offset, destination.Length);
            _inner.Read(offset, destination);
            foreach (var fault in view.All)
            {
                if (fault.Kind == FaultKind.Corrupt && FaultRange.Hits(fault, dataStart, destination.Length))
                {
                    BitRot.Apply(fault, dataStart, destination);
                }
            }
        }
        finally
        {
            _clock.WaitUntil(done);
        }
    }

    /// <inheritdoc />
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        var view = Current();
        if (view.IsEmpty)
        {
            _inner.Write(offset, source);
            return;
        }

        long dataStart = offset - DataOffset;
        long done = Admit(view, dataStart, source.Length, write: true);
        try
        {
            ThrowMediumError(view, FaultKind.Unwritable, offset, source.Length);
            CountWrite(view, source.Length);
            _inner.Write(offset, source);
            Remap(view, dataStart, source.Length);
        }
        finally
        {
            _clock.WaitUntil(done);
        }
    }

    /// <inheritdoc />
    public void Flush()
    {
        var view = Current();
        if (!view.IsEmpty)
        {
            _clock.WaitUntil(Admit(view, 0, 0, write: false));
        }

        _inner.Flush();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _vanish.Dispose();
        if (_ownsInner)
        {
            _inner.Dispose();
        }
    }

    private DiskFaults Current()
    {
        var view = Volatile.Read(ref _view);
        if (view.Version == Faults.Version)
        {
            return view;
        }

        view = DiskFaults.Of(Faults, Disk);
        Volatile.Write(ref _view, view);
        return view;
    }

    /// <summary>
    /// The faults that stop or delay an I/O before it reaches the media: gone, hung, flaky. Returns the timestamp
    /// the slow faults hold the I/O until (the past when none).
    /// </summary>
    private long Admit(DiskFaults view, long dataStart, long length, bool write)
    {
        long io = Interlocked.Increment(ref _ios);
        long occupied = 0;
        long afterwards = 0;
        foreach (var fault in view.All)
        {
            switch (fault.Kind)
            {
                case FaultKind.Vanish:
                    var now = _clock.Time.GetUtcNow();
                    if (now >= VanishTimers.End(fault))
                    {
                        Faults.Return(fault);
                    }
                    else if (now >= fault.Added)
                    {
                        throw new DeviceGoneException($"injected fault {fault.Id}: disk {Disk} has vanished");
                    }

                    break;
                case FaultKind.FailAfter when fault.Tripped == true:
                    throw Gone(fault);
                case FaultKind.Hang when FaultRange.Hits(fault, dataStart, length):
                    _clock.WaitUntil(_clock.Now + _clock.Ticks(TimeSpan.FromMilliseconds(fault.DurationMs ?? DefaultHangMs)));
                    throw new DeviceTimeoutException($"injected fault {fault.Id}: {(write ? "write" : "read")} on disk {Disk} timed out");
                case FaultKind.Flaky when FaultRange.Hits(fault, dataStart, length) && Seeded.Unit(fault.Seed, io) < (fault.Rate ?? 0):
                    throw new IOException($"injected fault {fault.Id}: transient {(write ? "write" : "read")} error on disk {Disk}");
                case FaultKind.Slow when FaultRange.Hits(fault, dataStart, length):
                    if (fault.BytesPerSecond is > 0 and long rate)
                    {
                        occupied += _clock.Ticks(TimeSpan.FromSeconds((double)length / rate));
                    }

                    afterwards += _clock.Ticks(TimeSpan.FromMilliseconds((fault.LatencyMs ?? 0) + ((fault.JitterMs ?? 0) * Seeded.Unit(fault.Seed, io, 1))));
                    break;
                default:
                    break;
            }
        }

        return occupied + afterwards == 0 ? 0 : _slow.Reserve(_clock.Now, occupied, afterwards);
    }

    /// <summary>Throws the medium error of the lowest device bytes a <paramref name="kind"/> fault covers in the I/O.</summary>
    private void ThrowMediumError(DiskFaults view, FaultKind kind, long offset, long length)
    {
        (long Offset, long Length)? worst = null;
        int id = 0;
        foreach (var fault in view.All)
        {
            if (fault.Kind == kind && FaultRange.Hits(fault, offset - DataOffset, length))
            {
                var overlap = FaultRange.Overlap(fault, DataOffset, offset, length);
                if (worst is not { } w || overlap.Offset < w.Offset)
                {
                    worst = overlap;
                    id = fault.Id;
                }
            }
        }

        if (worst is { } bad)
        {
            bool isWrite = kind == FaultKind.Unwritable;
            throw new MediumErrorException(
                $"injected fault {id}: disk {Disk} cannot {(isWrite ? "write" : "read")} bytes {bad.Offset}+{bad.Length}", bad.Offset, bad.Length, isWrite);
        }
    }

    /// <summary>Counts a write against every fail-after fault; the one that runs out trips for good, and the write fails.</summary>
    private void CountWrite(DiskFaults view, long length)
    {
        foreach (var fault in view.All)
        {
            if (fault.Kind != FaultKind.FailAfter)
            {
                continue;
            }

            var written = LazyInitializer.EnsureInitialized(ref _written, () => new ConcurrentDictionary<int, WriteCount>());
            var count = written.GetOrAdd(fault.Id, _ => new WriteCount());
            long writes = Interlocked.Increment(ref count.Writes);
            long bytes = Interlocked.Add(ref count.Bytes, length);
            if (writes > (fault.AfterWrites ?? long.MaxValue) || bytes > (fault.AfterBytes ?? long.MaxValue))
            {
                Faults.Update(fault.Id, f => [f with { Tripped = true }]);
                throw Gone(fault);
            }
        }
    }

    /// <summary>The drive remaps sectors it wrote in full: unreadable and rotten sectors there are healthy again.</summary>
    private void Remap(DiskFaults view, long dataStart, long length)
    {
        foreach (var fault in view.All)
        {
            if (fault is { Kind: FaultKind.Unreadable or FaultKind.Corrupt, WholeDisk: false } && fault.Touches(dataStart, length))
            {
                Faults.Update(fault.Id, current => FaultRange.Narrow(current, dataStart, length));
            }
        }
    }

    private DeviceGoneException Gone(Fault fault) =>
        new($"injected fault {fault.Id}: disk {Disk} has failed for good");

    private sealed class WriteCount
    {
        public long Writes;
        public long Bytes;
    }
}
