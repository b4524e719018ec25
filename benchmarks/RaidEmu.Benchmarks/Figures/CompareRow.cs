using System.Globalization;

namespace RaidEmu.Benchmarks.Figures;

/// <summary>
/// One ROW line of benchmarks/compare.sh (tab-separated: ROW, id, RaidEmu median, yardstick median, unit,
/// median ratio, target, pair ratios). Ratio and target are null where the row has none (start-up, REFUSED,
/// FAILED, not available); <see cref="Note"/> then says why.
/// </summary>
internal sealed record CompareRow(string Id, double? Ratio, string Note, double? Target, IReadOnlyList<double> PairRatios)
{
    public static CompareRow? Parse(string line)
    {
        var fields = line.Split('\t');
        if (fields.Length < 8 || fields[0] != "ROW")
        {
            return null;
        }

        double? ratio = Number(fields[5]);
        List<double> pairs = [.. fields[7].Split(',').Select(Number).OfType<double>()];
        return new CompareRow(fields[1], ratio, ratio == null ? fields[5] : "", Number(fields[6]), pairs);
    }

    public bool Meets => Ratio >= Target;

    // Targets are written ">=0.9" (or "≥ 0.9"): the number is what counts.
    private static double? Number(string text)
    {
        string digits = new([.. text.Where(c => char.IsAsciiDigit(c) || c == '.')]);
        return digits.Length > 0 && double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : null;
    }
}
