using Microsoft.Extensions.Time.Testing;
using RaidEmu.Core.Events;
using RaidEmu.Core.Power;
using ScottPlot;

namespace RaidEmu.Benchmarks.Figures;

/// <summary>Runs the power model through two failovers and draws load, capacity and rail state around the failure.</summary>
internal static class FailoverFigure
{
    public static void Draw(string path)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        Panel(multiplot.GetPlot(0), 0.1, "failover, standby wakes in 0.1 ms < 12 ms hold-up: seamless");
        Panel(multiplot.GetPlot(1), 30, "failover, standby wakes in 30 ms > 12 ms hold-up: power lost from 12 ms to 30 ms");
        multiplot.SavePng(path, 900, 640);
        Console.WriteLine($"wrote {path}");
    }

    private static void Panel(Plot plot, double wakeMs, string title)
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var power = new PowerSubsystem(
            new PowerConfig { Mode = RedundancyMode.Failover, Supplies = 2, CapacityWatts = 800, BaseLoadWatts = 568, WakeMs = wakeMs },
            4, Guid.Empty, new MemoryEventSink(), () => 0, new FakeTimeProvider(start));
        power.Fail("A");
        var samples = power.Timeline.ToList();
        double end = 40;
        double[] xs = [-5, .. samples.Select(s => (s.Time - start).TotalMilliseconds), end];
        double[] load = [samples[0].LoadWatts, .. samples.Select(s => s.LoadWatts), samples[^1].LoadWatts];
        double[] capacity = [800, .. samples.Select(s => s.CapacityWatts), samples[^1].CapacityWatts];

        // The rail state as coloured bands behind the lines.
        for (int i = 0; i < samples.Count; i++)
        {
            double from = i == 0 ? -5 : (samples[i].Time - start).TotalMilliseconds;
            double to = i + 1 < samples.Count ? (samples[i + 1].Time - start).TotalMilliseconds : end;
            var band = plot.Add.HorizontalSpan(from, to);
            band.FillStyle.Color = samples[i].Rail switch
            {
                RailState.Good => Colors.Green.WithAlpha(0.12),
                RailState.Warning => Colors.Orange.WithAlpha(0.35),
                _ => Colors.Red.WithAlpha(0.30),
            };
            band.LineStyle.Width = 0;
            if (samples[i].Rail != RailState.Good && to - from > 2)
            {
                var label = plot.Add.Text($"rail {samples[i].Rail}", (from + to) / 2, 950);
                label.LabelAlignment = Alignment.MiddleCenter;
            }
        }

        var cap = plot.Add.Scatter(xs, capacity);
        cap.ConnectStyle = ConnectStyle.StepHorizontal;
        cap.LegendText = "capacity delivered (W)";
        cap.LineWidth = 3;
        var demand = plot.Add.Scatter(xs, load);
        demand.ConnectStyle = ConnectStyle.StepHorizontal;
        demand.LegendText = "load served (W)";
        demand.LineWidth = 2;
        demand.LinePattern = LinePattern.Dashed;
        plot.Add.VerticalLine(0, 1, Colors.Black).Text = "supply A fails";
        plot.Title(title, size: 13);
        plot.XLabel("ms from the failure");
        plot.YLabel("W");
        plot.Axes.SetLimits(-5, end, 0, 1050);
        plot.ShowLegend(Alignment.LowerRight);
    }
}
