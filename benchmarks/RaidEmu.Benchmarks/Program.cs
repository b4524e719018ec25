using BenchmarkDotNet.Running;
using RaidEmu.Benchmarks.Figures;

// "figures DIR" draws the README's pictures from the real code; anything else goes to BenchmarkDotNet.
if (args.Length == 2 && args[0] == "figures")
{
    LayoutFigure.Draw(Path.Combine(args[1], "raid5-left-symmetric.png"));
    FailoverFigure.Draw(Path.Combine(args[1], "psu-failover-timeline.png"));
    ReliabilityFigure.Draw(Path.Combine(args[1], "reliability-10-years.png"));
    return;
}

if (args.Length >= 1 && args[0] == "xor-compare")
{
    Environment.ExitCode = RaidEmu.Benchmarks.Parity.XorCompare.Run(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
