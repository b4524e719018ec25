using BenchmarkDotNet.Attributes;
using RaidEmu.Core.Parity;

namespace RaidEmu.Benchmarks.Parity;

/// <summary>
/// The XOR kernel per tier and ISA-L's xor_gen, on 64-byte-aligned native buffers. Throughput is GB/s of source data:
/// Sources x BlockBytes / mean time. Counting sources rather than the destination keeps figures for different source counts comparable.
/// </summary>
[Config(typeof(Columns))]
public unsafe class XorParityBenchmarks : IDisposable
{
    private AlignedBuffer[] _sources = [];
    private AlignedBuffer _parity = null!;
    private nint[] _pointers = [];
    private nint[] _isalArray = [];

    [Params(4096, 65536, 1 << 20, 64 << 20)]
    public int BlockBytes { get; set; }

    [Params(4, 8)]
    public int Sources { get; set; }

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
        _isalArray = [.. _pointers, (nint)_parity.Pointer];
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

    /// <summary>ISA-L's xor_gen over the same buffers (sources first, parity last), the yardstick the Ratio column divides by.</summary>
    [Benchmark(Baseline = true)]
    public void IsaLXorGen()
    {
        fixed (nint* array = _isalArray)
        {
            if (IsaL.XorGen(Sources + 1, BlockBytes, (void**)array) != 0)
            {
                throw new InvalidOperationException("xor_gen refused its arguments");
            }
        }
    }

    [Benchmark]
    public void Scalar() => Run(ParityKernel.Scalar);

    [Benchmark]
    public void Vector128() => Run(ParityKernel.Vector128);

    [Benchmark]
    public void Vector256() => Run(ParityKernel.Vector256);

    [Benchmark]
    public void Vector512() => Run(ParityKernel.Vector512);

    /// <summary>The engine's entry on the best tier, as the RAID 5 personality calls it.</summary>
    [Benchmark]
    public void Best()
    {
        fixed (nint* sources = _pointers)
        {
            XorParity.Xor((byte**)sources, Sources, _parity.Pointer, BlockBytes);
        }
    }

    private void Run(ParityKernel kernel)
    {
        // A tier this CPU lacks throws PlatformNotSupportedException, which BenchmarkDotNet reports as failed.
        fixed (nint* sources = _pointers)
        {
            if (!XorParity.IsSupported(kernel))
            {
                throw new PlatformNotSupportedException($"{kernel} is not accelerated here");
            }

            XorParity.Xor((byte**)sources, Sources, _parity.Pointer, BlockBytes, kernel);
        }
    }

    private sealed class Columns : BenchmarkDotNet.Configs.ManualConfig
    {
        public Columns() => AddColumn(new SourceThroughputColumn());
    }
}
