using BenchmarkDotNet.Running;
using RaidEmu.Benchmarks.Figures;

// "chart-compare TSV PNG" draws a run of benchmarks/compare.sh.
if (args.Length == 3 && args[0] == "chart-compare")
{
    CompareChart.Draw(args[1], args[2]);
    return;
}

// "figures DIR" draws the README's pictures from the real code; anything else goes to BenchmarkDotNet.
if (args.Length == 2 && args[0] == "figures")
{
    LayoutFigure.Draw(Path.Combine(args[1], "raid5-left-symmetric.png"));
    FailoverFigure.Draw(Path.Combine(args[1], "psu-failover-timeline.png"));
    ReliabilityFigure.Draw(Path.Combine(args[1], "reliability-10-years.png"));
    return;
}

// "drive-cache-compare" measures member writes behind the power rail: write-back cache against the old undo log.
if (args.Length >= 1 && args[0] == "drive-cache-compare")
{
    RaidEmu.Benchmarks.Arrays.DriveCacheCompare.Run(args);
    return;
}

if (args.Length >= 1 && args[0] == "xor-compare")
{
    Environment.ExitCode = RaidEmu.Benchmarks.Parity.XorCompare.Run(args);
    return;
}

// "xor-rate SOURCES BYTES" prints the pointer path's GB/s and a read-only loop's for benchmarks/bounds.sh.
if (args.Length >= 1 && args[0] == "xor-rate")
{
    Environment.ExitCode = RaidEmu.Benchmarks.Parity.XorCompare.RateOnly(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
