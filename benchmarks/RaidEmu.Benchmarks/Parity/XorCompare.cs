using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using RaidEmu.Core.Parity;

namespace RaidEmu.Benchmarks.Parity;

/// <summary>
/// "xor-compare": the parity kernel against ISA-L's xor_gen over the same 64-byte-aligned buffers,
/// through the engine's pointer entry and through the public Compute. A pair times short bursts of
/// calls, the two sides alternating, and keeps each side's fastest burst; the ratio is the median of
/// the pair ratios. Prints
/// one ROW line per case (id, RaidEmu GB/s, ISA-L GB/s, unit, ratio, target, pair ratios).
/// </summary>
internal static unsafe class XorCompare
{
    private static readonly int[] s_counts = [4, 8];
    private static readonly (int Bytes, string Name)[] s_sizes =
        [(4 << 10, "4KiB"), (64 << 10, "64KiB"), (1 << 20, "1MiB"), (64 << 20, "64MiB")];

    // Bursts per side in one pair, and the warm-up per side that lets the JIT reach its final tier.
    private const int Bursts = 10;
    private const double WarmUpSeconds = 0.2;

    public static int Run(string[] args)
    {
        int pairs = 7;
        bool quick = false;
        string only = string.Empty;
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--quick")
            {
                quick = true;
            }
            else if (args[i] == "--only" && i + 1 < args.Length)
            {
                only = args[++i];
            }
            else if (args[i] == "--pairs" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out pairs) && pairs >= 1)
            {
                i++;
            }
            else
            {
                Console.Error.WriteLine("usage: xor-compare [--pairs N] [--quick] [--only ID-PART]");
                return 2;
            }
        }

        if (!IsaL.IsAvailable)
        {
            Console.Error.WriteLine("xor-compare: libisal.so.2 is not installed (Debian package libisal2)");
            return 1;
        }

        if (quick)
        {
            pairs = Math.Min(pairs, 5);
        }

        double seconds = quick ? 0.002 : 0.005;
        Console.Error.WriteLine($"xor-compare: kernel {XorParity.Best}, {pairs} pairs of {Bursts} alternating bursts of ~{seconds * 1000:0} ms per side");
        foreach (bool viaPublic in new[] { false, true })
        {
            foreach (int count in s_counts)
            {
                foreach (var (bytes, name) in s_sizes)
                {
                    string id = $"xor-{(viaPublic ? "public" : "pointer")}-{count}x{name}";
                    if (!id.Contains(only, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    using var setup = new Setup(count, bytes);
                    Console.WriteLine(Compare(id, setup, viaPublic, pairs, seconds, viaPublic ? "0.90" : "1.05"));
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// "xor-rate SOURCES BYTES": the engine's pointer path alone over one stripe-like layout of that many
    /// sources of that many bytes, the fastest of the bursts, in GB/s of source bytes, and the read-only
    /// loop over the same sources beside it. benchmarks/bounds.sh sets the time a degraded read's
    /// reconstruction needs against this.
    /// </summary>
    public static int RateOnly(string[] args)
    {
        if (args.Length != 3 || !int.TryParse(args[1], CultureInfo.InvariantCulture, out int count) || count < 2
            || !int.TryParse(args[2], CultureInfo.InvariantCulture, out int bytes) || bytes < 256 || bytes % 256 != 0)
        {
            Console.Error.WriteLine("usage: xor-rate SOURCES BYTES (at least 2 sources, bytes a multiple of 256)");
            return 2;
        }

        using var setup = new Setup(count, bytes);
        if (!setup.SameBytes(setup.RaidEmuPointer, setup.RaidEmuPointer, out string why))
        {
            Console.Error.WriteLine($"xor-rate: {why}");
            return 1;
        }

        const double seconds = 0.005;
        double bytesPerCall = (double)count * bytes;
        double best = 0, readOnly = 0;
        long xorIterations = Calibrate(setup.RaidEmuPointer, seconds);
        long readIterations = Calibrate(setup.ReadOnly, seconds);
        for (int b = 0; b < 4 * Bursts; b++)
        {
            best = Math.Max(best, Rate(setup.RaidEmuPointer, xorIterations, bytesPerCall));
            readOnly = Math.Max(readOnly, Rate(setup.ReadOnly, readIterations, bytesPerCall));
        }

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"{best.ToString("0.00", inv)}\t{readOnly.ToString("0.00", inv)}");
        return 0;
    }

    private static string Compare(string id, Setup setup, bool viaPublic, int pairs, double seconds, string target)
    {
        Action raidemu = viaPublic ? setup.RaidEmuPublic : setup.RaidEmuPointer;
        Action isal = setup.IsaL;
        if (!setup.SameBytes(raidemu, isal, out string why))
        {
            return $"ROW\t{id}\t-\t-\tGB/s\tREFUSED\t{target}\t{why}";
        }

        long raidIterations = Calibrate(raidemu, seconds);
        long isalIterations = Calibrate(isal, seconds);
        double bytesPerCall = (double)setup.Count * setup.Length;
        var ours = new double[pairs];
        var theirs = new double[pairs];
        var ratios = new double[pairs];
        for (int p = 0; p < pairs; p++)
        {
            // Short bursts, alternating sides; each side keeps its fastest burst. On a shared machine a
            // burst the scheduler interrupted is slow for reasons that are not the code's.
            for (int b = 0; b < Bursts; b++)
            {
                bool oursFirst = (p + b) % 2 == 0;
                double first = Rate(oursFirst ? raidemu : isal, oursFirst ? raidIterations : isalIterations, bytesPerCall);
                double second = Rate(oursFirst ? isal : raidemu, oursFirst ? isalIterations : raidIterations, bytesPerCall);
                ours[p] = Math.Max(ours[p], oursFirst ? first : second);
                theirs[p] = Math.Max(theirs[p], oursFirst ? second : first);
            }

            ratios[p] = ours[p] / theirs[p];
        }

        if (!setup.SameBytes(raidemu, isal, out why))
        {
            return $"ROW\t{id}\t-\t-\tGB/s\tREFUSED\t{target}\t{why}";
        }

        var inv = CultureInfo.InvariantCulture;

        // What only reading the same source bytes runs at: when both sides come close to it, the size
        // is bound by the cache or memory level the data sits in, not by either kernel.
        double bound = 0;
        long readIterations = Calibrate(setup.ReadOnly, seconds);
        for (int b = 0; b < Bursts; b++)
        {
            bound = Math.Max(bound, Rate(setup.ReadOnly, readIterations, bytesPerCall));
        }

        Console.WriteLine($"BOUND\t{id}\t{bound.ToString("0.0", inv)}\tGB/s read-only over the same sources; RaidEmu at {(Median(ours) / bound).ToString("0.00", inv)}, ISA-L at {(Median(theirs) / bound).ToString("0.00", inv)} of it");
        return string.Join('\t',
            "ROW",
            id,
            Median(ours).ToString("0.0", inv),
            Median(theirs).ToString("0.0", inv),
            "GB/s",
            Median(ratios).ToString("0.00", inv),
            target,
            string.Join(',', ratios.Select(r => r.ToString("0.00", inv))));
    }

    // Enough calls to last about the wanted time (at least one), found by doubling after the warm-up.
    private static long Calibrate(Action call, double seconds)
    {
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < WarmUpSeconds)
        {
            call();
        }

        long n = 1;
        while (true)
        {
            var watch = Stopwatch.StartNew();
            for (long i = 0; i < n; i++)
            {
                call();
            }

            double took = watch.Elapsed.TotalSeconds;
            if (took >= seconds / 4)
            {
                return Math.Max(1, (long)(n * seconds / took));
            }

            n *= 2;
        }
    }

    private static double Rate(Action call, long iterations, double bytesPerCall)
    {
        var watch = Stopwatch.StartNew();
        for (long i = 0; i < iterations; i++)
        {
            call();
        }

        return bytesPerCall * iterations / watch.Elapsed.TotalSeconds / 1e9;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>
    /// Random sources and one destination laid out as the engine lays out a stripe's columns: one
    /// 64-byte-aligned allocation, column after column, the destination last. Both sides use the same
    /// buffers; where separate allocations happen to land (4 KiB aliasing, cache sets) swung the
    /// kernel's speed 3x between runs of this program, so the layout is fixed instead.
    /// </summary>
    private sealed class Setup : IDisposable
    {
        private readonly AlignedBuffer _stripe;
        private readonly Memory<byte>[] _sources;
        private readonly byte* _destination;
        private readonly byte[] _first;
        private Vector512<byte> _sink;
        private readonly byte** _pointers;
        private readonly void** _isalArray;
        private readonly ReadOnlyMemory<byte>[] _memories;

        public Setup(int count, int length)
        {
            Count = count;
            Length = length;
            var random = new Random(count * 31 + length);
            _stripe = new AlignedBuffer(checked((count + 1) * length));
            random.NextBytes(_stripe.GetSpan());
            _sources = [.. Enumerable.Range(0, count).Select(i => _stripe.Memory.Slice(i * length, length))];
            _destination = _stripe.Pointer + ((long)count * length);
            _first = new byte[length];
            _pointers = (byte**)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)count, (nuint)sizeof(byte*));
            _isalArray = (void**)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)count + 1, (nuint)sizeof(void*));
            for (int i = 0; i < count; i++)
            {
                _pointers[i] = _stripe.Pointer + ((long)i * length);
                _isalArray[i] = _pointers[i];
            }

            _isalArray[count] = _destination;
            _memories = [.. _sources.Select(s => (ReadOnlyMemory<byte>)s)];
        }

        public int Count { get; }

        public int Length { get; }

        public void RaidEmuPointer() => XorParity.Xor(_pointers, Count, _destination, Length);

        public void RaidEmuPublic() => XorParity.Compute(_memories, new Span<byte>(_destination, Length));

        // Reads every source byte once into four independent XORs kept in registers: no store at all.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void ReadOnly()
        {
            Vector512<byte> a = default, b = default, c = default, d = default;
            for (int s = 0; s < Count; s++)
            {
                byte* p = _pointers[s];
                for (int i = 0; i + 256 <= Length; i += 256)
                {
                    a ^= Vector512.Load(p + i);
                    b ^= Vector512.Load(p + i + 64);
                    c ^= Vector512.Load(p + i + 128);
                    d ^= Vector512.Load(p + i + 192);
                }
            }

            _sink = a ^ b ^ c ^ d;
        }

        public void IsaL()
        {
            if (Parity.IsaL.XorGen(Count + 1, Length, _isalArray) != 0)
            {
                throw new InvalidOperationException("xor_gen refused its arguments");
            }
        }

        // Each side, run on a cleared destination, must leave the same bytes, and those must be the XOR of the sources.
        public bool SameBytes(Action ours, Action theirs, out string why)
        {
            var destination = new Span<byte>(_destination, Length);
            destination.Clear();
            ours();
            destination.CopyTo(_first);
            destination.Clear();
            theirs();
            if (!destination.SequenceEqual(_first))
            {
                why = "the two sides wrote different bytes";
                return false;
            }

            for (int at = 0; at < Length; at += 4093)
            {
                byte expected = 0;
                foreach (var source in _sources)
                {
                    expected ^= source.Span[at];
                }

                if (destination[at] != expected)
                {
                    why = $"byte {at} is not the XOR of the sources";
                    return false;
                }
            }

            why = string.Empty;
            return true;
        }

        public void Dispose()
        {
            System.Runtime.InteropServices.NativeMemory.Free(_pointers);
            System.Runtime.InteropServices.NativeMemory.Free(_isalArray);
            ((IDisposable)_stripe).Dispose();
        }
    }
}
