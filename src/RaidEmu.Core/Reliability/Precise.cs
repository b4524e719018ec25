namespace RaidEmu.Core.Reliability;

/// <summary>
/// e^x − 1 and ln(1 + x) that keep their digits for tiny x (a URE rate of 1e-15, a loss probability of 1e-9);
/// the base library's double.ExpM1 and double.LogP1 compute exp(x) − 1 and log(x + 1) and lose them.
/// </summary>
internal static class Precise
{
    public static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + (x * x / 2) + (x * x * x / 6) : Math.Exp(x) - 1;

    public static double Log1P(double x) => Math.Abs(x) < 1e-5 ? x - (x * x / 2) + (x * x * x / 3) : Math.Log(1 + x);
}
