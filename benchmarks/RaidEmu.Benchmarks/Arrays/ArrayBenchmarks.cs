using BenchmarkDotNet.Attributes;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Benchmarks.Arrays;

/// <summary>
/// Whole-array throughput on in-memory members, so the figures show the engine (mapping, locking,
/// parity, reconstruction) rather than a disk: 16 MiB of sequential 1 MiB requests per operation.
/// </summary>
public class ArrayBenchmarks : IDisposable
{
    private const int RequestBytes = 1 << 20;
    private const int Requests = 16;
    private RaidArray _array = null!;
    private byte[] _buffer = [];

    [Params("raid5-4", "raid1-2")]
    public string Shape { get; set; } = "";

    [Params(false, true)]
    public bool Degraded { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        bool raid5 = Shape.StartsWith("raid5", StringComparison.Ordinal);
        int disks = raid5 ? 4 : 2;
        long component = Requests * (long)RequestBytes;
        var devices = Enumerable.Range(0, disks)
            .Select(i => new MemberSource(new MemoryBlockDevice(ArrayCreateOptions.DataOffsetBytes + component), $"m{i}"))
            .ToList();
        var options = new ArrayCreateOptions
        {
            Level = raid5 ? RaidLevel.Raid5 : RaidLevel.Raid1,
            RaidDisks = disks,
            ChunkBytes = 64 * 1024,
            AssumeClean = true,
            Name = "bench",
        };
        _array = ArrayCreator.Create(options, devices, new MemoryEventSink());
        _buffer = new byte[RequestBytes];
        new Random(1).NextBytes(_buffer);
        for (long offset = 0; offset + RequestBytes <= _array.Length; offset += RequestBytes)
        {
            _array.Write(offset, _buffer);
        }

        if (Degraded)
        {
            _array.Fail(0);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _array.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public void SequentialWrite()
    {
        for (int i = 0; i < Requests; i++)
        {
            _array.Write((long)i * RequestBytes, _buffer);
        }
    }

    [Benchmark]
    public void SequentialRead()
    {
        for (int i = 0; i < Requests; i++)
        {
            _array.Read((long)i * RequestBytes, _buffer);
        }
    }

    [Benchmark]
    public void RandomWrite4K()
    {
        var random = new Random(7);
        var block = _buffer.AsSpan(0, 4096);
        long blocks = _array.Length / 4096;
        for (int i = 0; i < 4096; i++)
        {
            _array.Write(random.NextInt64(blocks) * 4096, block);
        }
    }
}
