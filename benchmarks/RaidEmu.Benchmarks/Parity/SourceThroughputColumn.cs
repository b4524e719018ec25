using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RaidEmu.Benchmarks.Parity;

/// <summary>GB/s of source data (sources × block bytes / mean time), so runs with different source counts compare.</summary>
public sealed class SourceThroughputColumn : IColumn
{
    public string Id => nameof(SourceThroughputColumn);

    public string ColumnName => "GB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Source bytes processed per second, in 10^9 bytes";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats)
        {
            return "-";
        }

        long bytes = Convert.ToInt64(benchmarkCase.Parameters["BlockBytes"], System.Globalization.CultureInfo.InvariantCulture)
            * Convert.ToInt64(benchmarkCase.Parameters["Sources"], System.Globalization.CultureInfo.InvariantCulture);
        return (bytes / stats.Mean).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
