using RaidEmu.Core.Reliability;
using ScottPlot;

namespace RaidEmu.Benchmarks.Figures;

/// <summary>
/// Probability of data loss over ten years for RAID 1, 5, 6 and 10 holding the same 12 TB, from the exact
/// transient chain, without UREs and at 1e-15 and 1e-14 per bit; Monte Carlo marks the ten-year value where
/// it is large enough to measure (open circles). Disks: AFR 1.5 %; rebuilds read the disk at 100 MB/s.
/// </summary>
internal static class ReliabilityFigure
{
    private const double Years = 10;
    private const double RebuildBytesPerSecond = 100e6;
    private const double Afr = 0.015;

    private static readonly (string Name, int Level, int Disks, double DiskBytes, Color Color)[] s_arrays =
    [
        ("RAID 1, 2 × 12 TB", 1, 2, 12e12, Color.FromHex("#1d3557")),
        ("RAID 5, 4 × 4 TB", 5, 4, 4e12, Color.FromHex("#e63946")),
        ("RAID 6, 5 × 4 TB", 6, 5, 4e12, Color.FromHex("#2a9d8f")),
        ("RAID 10, 6 × 4 TB", 10, 6, 4e12, Color.FromHex("#f4a261")),
    ];

    public static void Draw(string path)
    {
        var multiplot = new Multiplot();
        double[] ures = [0, 1e-15, 1e-14];
        multiplot.AddPlots(ures.Length);
        for (int i = 0; i < ures.Length; i++)
        {
            Panel(multiplot.GetPlot(i), ures[i]);
        }

        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        multiplot.SavePng(path, 1350, 520);
        Console.WriteLine($"wrote {path}");
    }

    private static void Panel(Plot plot, double ure)
    {
        var lifetime = Lifetime.Exponential(ReliabilityUnits.RateFromAfr(Afr));
        foreach (var (name, level, disks, diskBytes, color) in s_arrays)
        {
            // Rebuilds stream the disk at a steady rate: a fixed time that grows with the disk.
            double rebuildHours = diskBytes / RebuildBytesPerSecond / 3600;
            var model = new DiskArrayModel(level, disks, lifetime, rebuildHours, RebuildModel.Fixed, diskBytes, ure);
            double[] years = [.. Enumerable.Range(1, 40).Select(k => k * Years / 40)];
            double[] log = [.. years.Select(y => Math.Log10(ChainSolver.LossProbability(model.Chain, y * ReliabilityUnits.HoursPerYear)))];
            var line = plot.Add.Scatter(years, log);
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 0;
            line.LegendText = name;

            // RAID 10 of three 4 TB pairs lands on RAID 1 of 12 TB: three times the pairs, a third of the rebuild.
            line.LinePattern = level == 10 ? LinePattern.Dashed : LinePattern.Solid;

            double p10 = Math.Pow(10, log[^1]);
            if (p10 > 2e-3)
            {
                var mc = MonteCarlo.Mission(model, Years * ReliabilityUnits.HoursPerYear, 20_000, 1);
                var marker = plot.Add.Marker(Years, Math.Log10(mc.LossProbability));
                marker.Color = color;
                marker.Shape = MarkerShape.OpenCircle;
                marker.Size = 11;
            }
        }

        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => y >= -2 ? $"{Math.Pow(10, y) * 100:0.##} %" : $"1e{y:0}",
        };
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimits(0, Years + 0.3, -10, 0);
        plot.Title(ure == 0 ? "no unrecoverable read errors" : $"URE {ure:0e0} per bit", size: 14);
        plot.XLabel("years");
        plot.YLabel("P(data lost by then)");
        // One legend, where the first panel has room; the colours are the same in all three.
        if (ure == 0)
        {
            plot.ShowLegend(Alignment.UpperLeft);
        }
        else
        {
            plot.HideLegend();
        }
    }
}
