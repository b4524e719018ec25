using System.Globalization;
using ScottPlot;

namespace RaidEmu.Benchmarks.Figures;

/// <summary>
/// Draws a run of benchmarks/compare.sh: per row a horizontal bar at the median ratio RaidEmu / yardstick
/// (green where it meets its target, red where not), the pair ratios as dots and the target as a black tick.
/// Rows without a ratio (start-up, REFUSED, FAILED, not available) keep their line with the reason written in.
/// </summary>
internal static class CompareChart
{
    public static void Draw(string tsvPath, string pngPath)
    {
        var lines = File.ReadAllLines(tsvPath);
        List<CompareRow> rows = [.. lines.Select(CompareRow.Parse).OfType<CompareRow>().Where(r => r.Id != "startup")];
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{tsvPath} holds no ROW lines");
        }

        var plot = new Plot();
        double right = 1.2;
        List<(double Y, string Text)> labels = [];
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            double y = rows.Count - 1 - i;
            right = Math.Max(right, Math.Max(row.Ratio ?? 0, Math.Max(row.Target ?? 0, row.PairRatios.DefaultIfEmpty().Max())) * 1.1);
            if (row.Ratio is double ratio)
            {
                plot.Add.Bar(new Bar
                {
                    Position = y,
                    Value = ratio,
                    Size = 0.6,
                    FillColor = (row.Meets ? Colors.SeaGreen : Colors.IndianRed).WithAlpha(0.75),
                    Orientation = Orientation.Horizontal,
                });
                labels.Add((y, row.Target is double goal
                    ? string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00} / {goal:0.00##}")
                    : ratio.ToString("0.00", CultureInfo.InvariantCulture)));
            }
            else
            {
                var note = plot.Add.Text(row.Note == "n/a" ? "not available in this tree" : row.Note, 0.02, y);
                note.LabelAlignment = Alignment.MiddleLeft;
                note.LabelFontColor = Colors.Gray;
            }

            if (row.PairRatios.Count > 0)
            {
                double[] xs = [.. row.PairRatios];
                double[] ys = [.. row.PairRatios.Select(_ => y)];
                plot.Add.Markers(xs, ys, MarkerShape.FilledCircle, 6, Colors.Black.WithAlpha(0.6));
            }

            if (row.Target is double target)
            {
                var tick = plot.Add.Line(target, y - 0.4, target, y + 0.4);
                tick.LineWidth = 3;
                tick.LineColor = Colors.Black;
            }
        }

        // Median and target written at the right edge, clear of the bars and dots.
        right *= 1.15;
        foreach (var (y, text) in labels)
        {
            var label = plot.Add.Text(text, right * 0.99, y);
            label.LabelAlignment = Alignment.MiddleRight;
            label.LabelFontSize = 12;
        }

        plot.Add.VerticalLine(1, 1, Colors.Gray, LinePattern.Dashed);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rows.Count).Select(i => (double)(rows.Count - 1 - i))], [.. rows.Select(r => r.Id)]);
        plot.Axes.SetLimits(0, right, -0.7, rows.Count - 0.3);
        plot.XLabel("RaidEmu / yardstick: bar median, dots pairs, tick target (right: median / target)");
        plot.Title(Title(lines), size: 13);
        plot.SavePng(pngPath, 1000, 140 + 42 * rows.Count);
        Console.WriteLine($"wrote {pngPath}");
    }

    // The run's header lines that say when, on which tree, on which machine and under how much other load.
    private static string Title(string[] lines)
    {
        string[] wanted = ["# raidemu compare.sh run", "# machine:", "# load average"];
        return string.Join("\n", wanted
            .Select(w => lines.FirstOrDefault(l => l.StartsWith(w, StringComparison.Ordinal)))
            .OfType<string>()
            .Select(l => l.TrimStart('#', ' ')));
    }
}
