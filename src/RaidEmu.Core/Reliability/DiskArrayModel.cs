using System.Globalization;

namespace RaidEmu.Core.Reliability;

/// <summary>
/// An md array for the reliability model: RAID 0, 1 (an N-way mirror), 5, 6, or 10 (N/2 mirrored pairs), its
/// disks' lifetime, and how failed disks are rebuilt: one at a time, in the order they failed.
/// </summary>
public sealed class DiskArrayModel
{
    /// <summary>Bytes a URE makes unreadable: one 4 KiB physical sector.</summary>
    public const double SectorBytes = 4096;

    /// <summary>Describes the array; throws <see cref="ArgumentException"/> for a level, disk count or rate that makes no sense.</summary>
    /// <param name="level">0, 1, 5, 6 or 10.</param>
    /// <param name="disks">Disks in the array.</param>
    /// <param name="lifetime">Each disk's lifetime.</param>
    /// <param name="rebuildHours">Mean rebuild time, or null when failed disks are never replaced.</param>
    /// <param name="rebuild">The rebuild time's distribution.</param>
    /// <param name="diskBytes">Each disk's capacity (needed for UREs and lost bytes; 0 when unknown).</param>
    /// <param name="urePerBit">Unrecoverable read errors per bit read (0: none).</param>
    public DiskArrayModel(int level, int disks, Lifetime lifetime, double? rebuildHours, RebuildModel rebuild = RebuildModel.Exponential, double diskBytes = 0, double urePerBit = 0)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        int minimum = level switch
        {
            0 => 1,
            1 => 2,
            5 => 3,
            6 => 4,
            10 => 4,
            _ => throw new ArgumentException($"RAID level {level} is not modelled: use 0, 1, 5, 6 or 10"),
        };
        if (disks < minimum)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"RAID {level} needs at least {minimum} disks, not {disks}{(level is 5 or 6 ? $" (it tolerates {minimum - 2} failed disks and needs at least 2 left)" : "")}"));
        }

        if (level == 10 && disks % 2 != 0)
        {
            throw new ArgumentException($"RAID 10 is modelled as mirrored pairs: it needs an even number of disks, not {disks}");
        }

        if (diskBytes < 0 || double.IsNaN(diskBytes))
        {
            throw new ArgumentException("disk capacity cannot be negative");
        }

        if (urePerBit != 0)
        {
            Require.Probability(urePerBit, "URE rate");
            Require.Positive(diskBytes, "disk capacity (needed with a URE rate)");
        }

        Level = level;
        Disks = disks;
        Lifetime = lifetime.Validated();
        RebuildHours = rebuildHours;
        Rebuild = rebuild;
        DiskBytes = diskBytes;
        UrePerBit = urePerBit;
        Chain = BuildChain();
    }

    /// <summary>RAID level.</summary>
    public int Level { get; }

    /// <summary>Disks.</summary>
    public int Disks { get; }

    /// <summary>Each disk's lifetime.</summary>
    public Lifetime Lifetime { get; }

    /// <summary>Mean rebuild time in hours; null for no repair.</summary>
    public double? RebuildHours { get; }

    /// <summary>Rebuild time distribution.</summary>
    public RebuildModel Rebuild { get; }

    /// <summary>Each disk's capacity in bytes.</summary>
    public double DiskBytes { get; }

    /// <summary>Unrecoverable read errors per bit read.</summary>
    public double UrePerBit { get; }

    /// <summary>The chain the exact solution and the approximations use (exponential lifetimes at <see cref="Lifetime"/>'s mean).</summary>
    public ReliabilityChain Chain { get; }

    /// <summary>Failures the array survives whatever disks fail (RAID 10: 1, though it may survive more).</summary>
    public int Tolerated => Level == 10 ? 1 : Tolerance(Level, Disks);

    /// <summary>Bytes of user data the array holds.</summary>
    public double UsableBytes => DiskBytes * Level switch
    {
        0 => Disks,
        1 => 1,
        5 => Disks - 1,
        6 => Disks - 2,
        _ => Disks / 2,
    };

    /// <summary>
    /// What a loss costs: the share of the usable data on the failed disks that nothing can rebuild (a parity
    /// array's data is spread evenly, so t + 1 failed disks of N hold (t + 1)/N of it; a mirror loses all of it;
    /// RAID 10 one pair's share; RAID 0 one disk's), and one 4 KiB sector for a failed rebuild.
    /// </summary>
    public LostData Losses => new(
        Level switch
        {
            0 => 1.0 / Disks,
            1 => 1,
            10 => 2.0 / Disks,
            _ => (Tolerated + 1.0) / Disks,
        },
        UsableBytes > 0 ? SectorBytes / UsableBytes : 0);

    /// <summary>Bits a rebuild reads when no redundancy is left: every surviving disk of a parity array, one copy of a mirror.</summary>
    public double CriticalBitsRead => DiskBytes * 8 * (Level is 5 or 6 ? Disks - Tolerated : 1);

    /// <summary>Probability that a rebuild without redundancy reads every bit it needs: (1 − URE)^bits.</summary>
    public double RebuildSuccessProbability => Math.Exp(CriticalBitsRead * Precise.Log1P(-UrePerBit));

    /// <summary>
    /// The exact mean time to data loss: the closed form for RAID 0 and a one-failure-tolerant array (RAID 1 pair, RAID 5)
    /// with exponential lifetimes, otherwise the chain solved numerically. <paramref name="how"/> says which.
    /// </summary>
    public double ExactMeanTimeToLoss(out string how)
    {
        double lambda = Lifetime.EquivalentRate;
        if (Level == 0)
        {
            how = "closed form, MTTF/N";
            return 1 / (Disks * lambda);
        }

        if (Tolerated == 1 && Level != 10)
        {
            how = "closed form";
            return RebuildHours switch
            {
                null => ClosedForms.OneTolerantExponential(Disks, lambda, 0),
                double h when Rebuild == RebuildModel.Fixed => ClosedForms.OneTolerantFixed(Disks, lambda, h, RebuildSuccessProbability),
                double h => ClosedForms.OneTolerantExponential(Disks, lambda, 1 / h, RebuildSuccessProbability),
            };
        }

        how = string.Create(CultureInfo.InvariantCulture, $"Markov chain, {Chain.States + 1} states{(RebuildHours != null && Rebuild == RebuildModel.Fixed ? ", solved at rebuild starts" : "")}");
        return ChainSolver.MeanTimeToLoss(Chain);
    }

    private static int Tolerance(int level, int disks) => level switch
    {
        0 => 0,
        1 => disks - 1,
        5 => 1,
        _ => 2,
    };

    private ReliabilityChain BuildChain()
    {
        double lambda = Lifetime.EquivalentRate;
        var failures = new List<ChainTransition[]>();
        var critical = new List<bool>();
        if (Level == 10)
        {
            // State k: k pairs have lost one disk. A disk of an intact pair may fail, or the survivor of a broken one.
            int pairs = Disks / 2;
            for (int k = 0; k <= pairs; k++)
            {
                var list = new List<ChainTransition>();
                if (k < pairs)
                {
                    list.Add(new ChainTransition(k + 1, 2 * (pairs - k) * lambda));
                }

                if (k > 0)
                {
                    list.Add(new ChainTransition(ChainTransition.Loss, k * lambda));
                }

                failures.Add([.. list]);
                critical.Add(k > 0);
            }
        }
        else
        {
            int t = Tolerated;
            for (int i = 0; i <= t; i++)
            {
                failures.Add([new ChainTransition(i < t ? i + 1 : ChainTransition.Loss, (Disks - i) * lambda)]);
                critical.Add(i > 0 && i == t);
            }
        }

        return new ReliabilityChain(failures, critical, RebuildHours, Rebuild, RebuildSuccessProbability);
    }
}
