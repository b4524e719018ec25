namespace RaidEmu.Core.Reliability;

/// <summary>The few dense-matrix operations the chains need; matrices here have at most a few hundred rows.</summary>
internal static class Matrix
{
    public static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0);
        int m = b.GetLength(1);
        int inner = a.GetLength(1);
        var c = new double[n, m];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < inner; k++)
            {
                double aik = a[i, k];
                if (aik == 0)
                {
                    continue;
                }

                for (int j = 0; j < m; j++)
                {
                    c[i, j] += aik * b[k, j];
                }
            }
        }

        return c;
    }

    /// <summary>
    /// exp(<paramref name="a"/>·<paramref name="t"/>) by scaling and squaring with a Taylor series. For a
    /// generator every entry of the result is a probability; the squarings only add non-negative products,
    /// so small probabilities (a loss of 1e-9) keep their relative precision.
    /// </summary>
    public static double[,] Exp(double[,] a, double t)
    {
        int n = a.GetLength(0);
        double norm = 0;
        for (int i = 0; i < n; i++)
        {
            double row = 0;
            for (int j = 0; j < n; j++)
            {
                row += Math.Abs(a[i, j]);
            }

            norm = Math.Max(norm, row);
        }

        norm *= t;
        int squarings = norm > 0.5 ? (int)Math.Ceiling(Math.Log2(norm / 0.5)) : 0;
        double scale = t / Math.Pow(2, squarings);
        var scaled = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                scaled[i, j] = a[i, j] * scale;
            }
        }

        var result = Identity(n);
        var term = Identity(n);
        for (int k = 1; k <= 30; k++)
        {
            term = Multiply(term, scaled);
            double largest = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    term[i, j] /= k;
                    result[i, j] += term[i, j];
                    largest = Math.Max(largest, Math.Abs(term[i, j]));
                }
            }

            if (largest < 1e-20)
            {
                break;
            }
        }

        for (int s = 0; s < squarings; s++)
        {
            result = Multiply(result, result);
        }

        return result;
    }

    public static double[,] Identity(int n)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            m[i, i] = 1;
        }

        return m;
    }
}
