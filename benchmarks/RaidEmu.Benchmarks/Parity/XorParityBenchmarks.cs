using BenchmarkDotNet.Attributes;
using RaidEmu.Core.Parity;

namespace RaidEmu.Benchmarks.Parity;

/// <summary>
/// The XOR kernel per tier, on 64-byte-aligned native buffers. Throughput is GB/s of source data:
/// Sources x BlockBytes / mean time (the same unit as reference/parity-perf.md).
/// </summary>
[MemoryDiagnoser]
public unsafe class XorParityBenchmarks : IDisposable
{
    private AlignedBuffer[] _sources = [];
    private AlignedBuffer _parity = null!;
    private nint[] _pointers = [];

    [Params(4096, 65536, 1 << 20, 64 << 20)]
    public int BlockBytes { get; set; }

    [Params(4, 8)]
    public int Sources { get; set; }

    [ParamsSource(nameof(Kernels))]
    public ParityKernel Kernel { get; set; }

    public static IEnumerable<ParityKernel> Kernels => Enum.GetValues<ParityKernel>().Where(XorParity.IsSupported);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _sources = [.. Enumerable.Range(0, Sources).Select(_ => new AlignedBuffer(BlockBytes))];
        foreach (var source in _sources)
        {
            random.NextBytes(source.GetSpan());
        }

        _parity = new AlignedBuffer(BlockBytes);
        _pointers = [.. _sources.Select(s => (nint)s.Pointer)];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        foreach (var source in _sources)
        {
            ((IDisposable)source).Dispose();
        }

        ((IDisposable)_parity).Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public void Xor()
    {
        fixed (nint* sources = _pointers)
        {
            XorParity.Xor((byte**)sources, Sources, _parity.Pointer, BlockBytes, Kernel);
        }
    }
}
