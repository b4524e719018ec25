using System.Globalization;

namespace RaidEmu.Core.Reliability;

/// <summary>
/// A group of power supplies for the reliability model. Active modes (<see cref="SupplyRedundancy.Sharing"/>,
/// <see cref="SupplyRedundancy.NPlusM"/>) keep every supply running, so every supply ages: the rail is lost
/// when fewer than <see cref="MinNeeded"/> work. <see cref="SupplyRedundancy.Failover"/> runs only the needed
/// supplies; a cold standby does not age, but each takeover works only with probability <see cref="Coverage"/>.
/// </summary>
public sealed class SupplyGroupModel
{
    /// <summary>Describes the group; throws <see cref="ArgumentException"/> for counts or rates that make no sense.</summary>
    public SupplyGroupModel(SupplyRedundancy mode, int supplies, int minNeeded, Lifetime lifetime, double? repairHours, RebuildModel repair = RebuildModel.Exponential, double coverage = 1)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        if (supplies < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"a group needs at least one supply, not {supplies}"));
        }

        if (minNeeded < 1 || minNeeded > supplies)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"supplies needed must be between 1 and {supplies}, not {minNeeded}"));
        }

        Require.Probability(coverage, "switch coverage");
        Mode = mode;
        Supplies = supplies;
        MinNeeded = minNeeded;
        Lifetime = lifetime.Validated();
        RepairHours = repairHours;
        Repair = repair;
        Coverage = mode == SupplyRedundancy.Failover ? coverage : 1;
        Chain = BuildChain();
    }

    /// <summary>Redundancy mode.</summary>
    public SupplyRedundancy Mode { get; }

    /// <summary>Supplies in the group.</summary>
    public int Supplies { get; }

    /// <summary>Supplies that must work to keep the rail up.</summary>
    public int MinNeeded { get; }

    /// <summary>Each supply's lifetime while running.</summary>
    public Lifetime Lifetime { get; }

    /// <summary>Mean repair time; null for no repair.</summary>
    public double? RepairHours { get; }

    /// <summary>Repair time distribution.</summary>
    public RebuildModel Repair { get; }

    /// <summary>Probability that a standby takes over when a running supply fails (1 for active modes).</summary>
    public double Coverage { get; }

    /// <summary>Failures survived.</summary>
    public int Spares => Supplies - MinNeeded;

    /// <summary>True for passive (standby) redundancy.</summary>
    public bool Standby => Mode == SupplyRedundancy.Failover;

    /// <summary>The chain (exponential lifetimes at <see cref="Lifetime"/>'s mean).</summary>
    public ReliabilityChain Chain { get; }

    private ReliabilityChain BuildChain()
    {
        double lambda = Lifetime.EquivalentRate;
        var failures = new List<ChainTransition[]>();
        for (int i = 0; i <= Spares; i++)
        {
            if (!Standby)
            {
                failures.Add([new ChainTransition(i < Spares ? i + 1 : ChainTransition.Loss, (Supplies - i) * lambda)]);
                continue;
            }

            // Only the running supplies fail; the takeover itself fails with probability 1 − C.
            double rate = MinNeeded * lambda;
            var list = new List<ChainTransition>();
            if (i < Spares && Coverage > 0)
            {
                list.Add(new ChainTransition(i + 1, rate * Coverage));
            }

            double lost = i < Spares ? rate * (1 - Coverage) : rate;
            if (lost > 0)
            {
                list.Add(new ChainTransition(ChainTransition.Loss, lost));
            }

            failures.Add([.. list]);
        }

        return new ReliabilityChain(failures, [.. failures.Select(_ => false)], RepairHours, Repair, 1);
    }
}
