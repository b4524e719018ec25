using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid5;
using ScottPlot;

namespace RaidEmu.Benchmarks.Figures;

/// <summary>Draws where a 4-disk left-symmetric RAID 5 puts each chunk, asking Raid5Layout for every cell.</summary>
internal static class LayoutFigure
{
    private const int Disks = 4;
    private const int Stripes = 8;

    public static void Draw(string path)
    {
        var plot = new Plot();
        var algorithm = Raid5Algorithm.LeftSymmetric;
        for (long stripe = 0; stripe < Stripes; stripe++)
        {
            int parity = Raid5Layout.ParityMember(algorithm, stripe, Disks);
            for (int disk = 0; disk < Disks; disk++)
            {
                int k = Raid5Layout.DataIndexOf(algorithm, stripe, disk, Disks);
                string label = k < 0 ? $"P{stripe}" : $"D{(stripe * (Disks - 1)) + k}";
                double top = -stripe;
                var cell = plot.Add.Rectangle(disk + 0.04, disk + 0.96, top - 0.92, top - 0.04);
                cell.FillColor = disk == parity ? Color.FromHex("#f4a261") : Color.FromHex("#a8dadc");
                cell.LineColor = Color.FromHex("#1d3557");
                var text = plot.Add.Text(label, disk + 0.5, top - 0.48);
                text.LabelFontSize = 18;
                text.LabelBold = k < 0;
                text.LabelAlignment = Alignment.MiddleCenter;
            }

            var row = plot.Add.Text($"stripe {stripe}", -0.1, -stripe - 0.48);
            row.LabelAlignment = Alignment.MiddleRight;
            row.LabelFontSize = 14;
        }

        for (int disk = 0; disk < Disks; disk++)
        {
            var head = plot.Add.Text($"disk {disk}", disk + 0.5, 0.3);
            head.LabelAlignment = Alignment.MiddleCenter;
            head.LabelFontSize = 16;
            head.LabelBold = true;
        }

        plot.Title("RAID 5, 4 disks, left-symmetric (md's default): D = data chunk, P = parity");
        plot.Layout.Frameless();
        plot.HideGrid();
        plot.Axes.SetLimits(-1.3, Disks + 0.1, -Stripes - 0.1, 0.7);
        plot.SavePng(path, 760, 720);
        Console.WriteLine($"wrote {path}");
    }
}
