namespace RaidEmu.Core.Scenarios;

/// <summary>An expected count: exact, a range, or "all" of the bytes the workload wrote.</summary>
public sealed record ByteExpectation(long? Min, long? Max, bool All = false)
{
    /// <summary>True when <paramref name="value"/> meets it (<paramref name="all"/> is what "all" stands for).</summary>
    public bool Holds(long value, long all) => All ? value == all : value >= (Min ?? long.MinValue) && value <= (Max ?? long.MaxValue);

    /// <inheritdoc />
    public override string ToString() => All ? "all written bytes"
        : Min == Max ? $"{Min}"
        : Max == null ? $"at least {Min}"
        : Min == null ? $"at most {Max}"
        : $"{Min} to {Max}";
}
