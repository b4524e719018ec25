namespace RaidEmu.Core.Reliability;

/// <summary>Γ(x) for the Weibull mean; the base library has none.</summary>
internal static class GammaFunction
{
    // Lanczos approximation, g = 7, n = 9: about 15 significant digits for x > 0.
    private static readonly double[] s_coefficients =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    public static double Gamma(double x)
    {
        if (x < 0.5)
        {
            return Math.PI / (Math.Sin(Math.PI * x) * Gamma(1 - x));
        }

        x -= 1;
        double sum = s_coefficients[0];
        for (int i = 1; i < s_coefficients.Length; i++)
        {
            sum += s_coefficients[i] / (x + i);
        }

        double t = x + 7.5;
        return Math.Sqrt(2 * Math.PI) * Math.Pow(t, x + 0.5) * Math.Exp(-t) * sum;
    }
}
