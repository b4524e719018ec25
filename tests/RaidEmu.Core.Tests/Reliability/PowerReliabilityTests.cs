using RaidEmu.Core.Reliability;

namespace RaidEmu.Core.Tests.Reliability;

/// <summary>Active against passive redundancy of power supplies, in numbers.</summary>
[TestClass]
public sealed class PowerReliabilityTests
{
    private static readonly Lifetime s_supply = Lifetime.Exponential(1 / 1000.0);

    [TestMethod]
    [DataRow(SupplyRedundancy.Sharing, 2, 1, 1.0, null)]
    [DataRow(SupplyRedundancy.Sharing, 2, 1, 1.0, 50.0)]
    [DataRow(SupplyRedundancy.NPlusM, 4, 3, 1.0, 50.0)]
    [DataRow(SupplyRedundancy.Failover, 2, 1, 1.0, null)]
    [DataRow(SupplyRedundancy.Failover, 2, 1, 0.9, 50.0)]
    [DataRow(SupplyRedundancy.Failover, 3, 1, 0.95, 50.0)]
    public void Chain_AgreesWithMonteCarlo(SupplyRedundancy mode, int supplies, int needed, double coverage, double? mttr)
    {
        var model = new SupplyGroupModel(mode, supplies, needed, s_supply, mttr, RebuildModel.Exponential, coverage);
        MonteCarloTests.AssertWithin(ChainSolver.MeanTimeToLoss(model.Chain), MonteCarlo.MeanTimeToLoss(model, 12_000, 21));
    }

    [TestMethod]
    public void FixedRepair_ChainAgreesWithMonteCarlo()
    {
        var model = new SupplyGroupModel(SupplyRedundancy.Failover, 3, 1, s_supply, 200, RebuildModel.Fixed, 0.9);
        MonteCarloTests.AssertWithin(ChainSolver.MeanTimeToLoss(model.Chain), MonteCarlo.MeanTimeToLoss(model, 12_000, 22));
    }

    [TestMethod]
    public void ColdStandby_OutlivesHotSharing_UnlessTheSwitchIsPoor()
    {
        double Mttf(SupplyRedundancy mode, double coverage, double? mttr) =>
            ChainSolver.MeanTimeToLoss(new SupplyGroupModel(mode, 2, 1, s_supply, mttr, RebuildModel.Exponential, coverage).Chain);

        // Without repair: a standby that does not age adds a whole lifetime (2/λ against 3/(2λ)).
        Assert.AreEqual(2000, Mttf(SupplyRedundancy.Failover, 1, null), 1e-6);
        Assert.AreEqual(1500, Mttf(SupplyRedundancy.Sharing, 1, null), 1e-6);

        // The switch's coverage C gives it back: (1 + C)/λ equals the hot pair's 3/(2λ) at C = 0.5.
        Assert.AreEqual(1500, Mttf(SupplyRedundancy.Failover, 0.5, null), 1e-6);
        Assert.IsTrue(Mttf(SupplyRedundancy.Failover, 0.4, null) < 1500);

        // With repair the gap grows to about 2× ((2λ + μ)/λ² against (3λ + μ)/(2λ²)), and a 1 % switch failure
        // already costs more than the standby gained: it adds a direct path to loss on every failure.
        Assert.AreEqual(2, Mttf(SupplyRedundancy.Failover, 1, 10) / Mttf(SupplyRedundancy.Sharing, 1, 10), 0.02);
        Assert.IsTrue(Mttf(SupplyRedundancy.Failover, 0.99, 10) < Mttf(SupplyRedundancy.Sharing, 1, 10));
    }

    [TestMethod]
    public void Mission_HotAndCold_ChainAgreesWithMonteCarlo()
    {
        foreach (var mode in new[] { SupplyRedundancy.Sharing, SupplyRedundancy.Failover })
        {
            var model = new SupplyGroupModel(mode, 2, 1, s_supply, null);
            double exact = ChainSolver.LossProbability(model.Chain, 1000);
            var mc = MonteCarlo.Mission(model, 1000, 20_000, 31);
            Assert.AreEqual(exact, mc.LossProbability, 3.29 * Math.Sqrt(exact * (1 - exact) / mc.Trials), mode.ToString());
        }

        // Textbook transient forms (Rausand & Høyland 2004): hot pair (1 − e^(−λt))², cold pair 1 − e^(−λt)(1 + λt).
        var hot = new SupplyGroupModel(SupplyRedundancy.Sharing, 2, 1, s_supply, null);
        var cold = new SupplyGroupModel(SupplyRedundancy.Failover, 2, 1, s_supply, null);
        Assert.AreEqual(Math.Pow(1 - Math.Exp(-1), 2), ChainSolver.LossProbability(hot.Chain, 1000), 1e-12);
        Assert.AreEqual(1 - (Math.Exp(-1) * 2), ChainSolver.LossProbability(cold.Chain, 1000), 1e-12);
    }
}
