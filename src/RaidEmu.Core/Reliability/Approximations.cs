namespace RaidEmu.Core.Reliability;

/// <summary>
/// The closed-form approximations the literature uses, valid when repairs are much faster than failures
/// (MTTR ≪ MTTF). They keep only the most likely path to loss, so they drift from the exact chain as MTTR grows.
/// </summary>
public static class Approximations
{
    /// <summary>The approximations for an array; none without repair (the exact no-repair value is itself a short sum).</summary>
    public static IReadOnlyList<Approximation> For(DiskArrayModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.RebuildHours is not { } mttr || model.Level == 0)
        {
            return [];
        }

        double mttf = model.Lifetime.MeanHours;
        int n = model.Disks;
        var list = new List<Approximation>();
        switch (model.Level)
        {
            case 5:
                list.Add(new("Patterson, Gibson & Katz 1988", "MTTF² / (N·(N−1)·MTTR)", mttf * mttf / (n * (n - 1.0) * mttr)));
                break;
            case 10:
                list.Add(new("Patterson, Gibson & Katz 1988, groups of 2", "MTTF² / (N·MTTR)", mttf * mttf / (n * mttr)));
                break;
            case 6:
                list.Add(new("Chen, Lee, Gibson, Katz & Patterson 1994", "MTTF³ / (N·(N−1)·(N−2)·MTTR²)", Leading(mttf, mttr, n, 2)));
                break;
            default:
                list.Add(n == 2
                    ? new("Patterson, Gibson & Katz 1988, mirrored pair", "MTTF² / (2·MTTR)", mttf * mttf / (2 * mttr))
                    : new("N-way mirror, leading term", "MTTF^N / (N!·MTTR^(N−1))", Leading(mttf, mttr, n, n - 1)));
                break;
        }

        if (model.RebuildSuccessProbability < 1)
        {
            // Rate of rebuilds that read without redundancy: RAID 10 after every failure, the others after t failures.
            double lambda = 1 / mttf;
            double mu = 1 / mttr;
            double critical = model.Level == 10 ? n * lambda : RateToDepth(n, model.Tolerated, lambda, mu);
            double failing = critical * (1 - model.RebuildSuccessProbability);
            list[0] = list[0] with { Name = list[0].Name + " (ignores UREs)" };
            list.Add(new("first order with UREs", "1 / (1/MTTDL + rate of rebuilds without redundancy × P(URE))", 1 / ((1 / list[0].Hours) + failing)));
        }

        return list;
    }

    /// <summary>The approximations for a power supply group with repair.</summary>
    public static IReadOnlyList<Approximation> For(SupplyGroupModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.RepairHours is not { } mttr || model.Spares == 0)
        {
            return [];
        }

        double mttf = model.Lifetime.MeanHours;
        int s = model.Spares;
        if (!model.Standby)
        {
            return [new("k-out-of-n active, leading term", "MTTF^(s+1) / (N·(N−1)···(N−s)·MTTR^s)", Leading(mttf, mttr, model.Supplies, s))];
        }

        double running = model.MinNeeded / mttf;
        double rate = (running * (1 - model.Coverage)) + (Math.Pow(model.Coverage, s) * Math.Pow(running, s + 1) * Math.Pow(mttr, s));
        return [new("cold standby, leading terms", "1 / (kλ(1−C) + C^s·(kλ)^(s+1)·MTTR^s)", 1 / rate)];
    }

    /// <summary>The usual step from a mean to a mission: P(loss within T) ≈ 1 − e^(−T/MTTDL), as if losses came at a constant rate.</summary>
    public static double MissionLoss(double mttdlHours, double missionHours) => -Precise.ExpM1(-missionHours / mttdlHours);

    /// <summary>MTTF^(t+1) / (N·(N−1)···(N−t)·MTTR^t): the most likely path to t + 1 failures.</summary>
    private static double Leading(double mttf, double mttr, int n, int t)
    {
        double value = mttf;
        for (int i = 0; i <= t; i++)
        {
            value *= i == 0 ? 1.0 / n : mttf / ((n - i) * mttr);
        }

        return value;
    }

    /// <summary>Rate of reaching t failed units: N·(N−1)···(N−t+1)·λ^t / μ^(t−1).</summary>
    private static double RateToDepth(int n, int t, double lambda, double mu)
    {
        double rate = n * lambda;
        for (int i = 1; i < t; i++)
        {
            rate *= (n - i) * lambda / mu;
        }

        return rate;
    }
}
