using RaidEmu.Core.Reliability;

namespace RaidEmu.Core.Tests.Reliability;

/// <summary>
/// Monte Carlo against the exact solutions. Rates are accelerated (MTTF 1,000 h) so a trial needs few events.
/// The simulation's own 95 % interval would miss the truth in one comparison out of 20 by design, so the
/// tests allow 3.29 standard errors (99.9 %); at these trial counts that is still a 2–4 % band, far tighter
/// than the gap between a right and a wrong model (exponential against fixed rebuilds differ by tens of %).
/// </summary>
[TestClass]
public sealed class MonteCarloTests
{
    private const double Mttf = 1000;

    [TestMethod]
    [DataRow(0, 3, RebuildModel.Exponential)]
    [DataRow(1, 2, RebuildModel.Exponential)]
    [DataRow(1, 2, RebuildModel.Fixed)]
    [DataRow(1, 3, RebuildModel.Fixed)]
    [DataRow(5, 5, RebuildModel.Exponential)]
    [DataRow(5, 5, RebuildModel.Fixed)]
    [DataRow(6, 6, RebuildModel.Exponential)]
    [DataRow(6, 6, RebuildModel.Fixed)]
    [DataRow(10, 6, RebuildModel.Exponential)]
    [DataRow(10, 6, RebuildModel.Fixed)]
    public void MeanTimeToLoss_AgreesWithTheExactSolution(int level, int disks, RebuildModel rebuild)
    {
        var model = new DiskArrayModel(level, disks, Lifetime.Exponential(1 / Mttf), 80, rebuild);
        double exact = model.ExactMeanTimeToLoss(out _);
        var mc = MonteCarlo.MeanTimeToLoss(model, 12_000, 42);
        AssertWithin(exact, mc);
    }

    [TestMethod]
    public void FixedAndExponentialRebuilds_DifferForRaid6_AndMonteCarloTellsThemApart()
    {
        // Two more failures must land in one rebuild: that depends on the rebuild time's spread, not only its mean.
        var fixedModel = new DiskArrayModel(6, 6, Lifetime.Exponential(1 / Mttf), 80, RebuildModel.Fixed);
        var expModel = new DiskArrayModel(6, 6, Lifetime.Exponential(1 / Mttf), 80, RebuildModel.Exponential);
        double fixedExact = fixedModel.ExactMeanTimeToLoss(out _);
        double expExact = expModel.ExactMeanTimeToLoss(out _);
        Assert.IsTrue(fixedExact > expExact * 1.15, $"fixed {fixedExact}, exponential {expExact}");
        var mc = MonteCarlo.MeanTimeToLoss(fixedModel, 12_000, 7);
        Assert.IsFalse(expExact > mc.Low && expExact < mc.High, "the exponential answer must fall outside the fixed-rebuild interval");
    }

    [TestMethod]
    public void Ures_FailedRebuildsLoseData_InTheChainAndTheSimulation()
    {
        // 4 surviving disks of 2 TB at 2e-14 per bit: P(rebuild reads everything) = e^(−1.28) ≈ 0.28.
        var model = new DiskArrayModel(5, 5, Lifetime.Exponential(1 / Mttf), 80, RebuildModel.Fixed, 2e12, 2e-14);
        Assert.AreEqual(Math.Exp(-4 * 2e12 * 8 * 2e-14), model.RebuildSuccessProbability, 1e-9);
        AssertWithin(model.ExactMeanTimeToLoss(out _), MonteCarlo.MeanTimeToLoss(model, 12_000, 3));
        var raid10 = new DiskArrayModel(10, 4, Lifetime.Exponential(1 / Mttf), 80, RebuildModel.Exponential, 2e12, 2e-14);
        AssertWithin(raid10.ExactMeanTimeToLoss(out _), MonteCarlo.MeanTimeToLoss(raid10, 12_000, 4));
    }

    [TestMethod]
    [DataRow(RebuildModel.Exponential)]
    [DataRow(RebuildModel.Fixed)]
    public void MissionLossProbability_AgreesWithTheTransientChain(RebuildModel rebuild)
    {
        var model = new DiskArrayModel(6, 6, Lifetime.Exponential(1 / Mttf), 80, rebuild);
        double exact = ChainSolver.LossProbability(model.Chain, 2000);
        var mc = MonteCarlo.Mission(model, 2000, 20_000, 11);
        double se = Math.Sqrt(exact * (1 - exact) / mc.Trials);
        Assert.AreEqual(exact, mc.LossProbability, 3.29 * se, $"exact {exact}, MC {mc.LossProbability} [{mc.LossProbabilityLow}, {mc.LossProbabilityHigh}]");
    }

    [TestMethod]
    public void RareLosses_AtRealisticRates_AreNotOvercounted()
    {
        // RAID 6 of 4 TB disks at AFR 1.5 %, 11 h rebuilds, URE 1e-14: about 1.8e-5 over 5 years, a rare event
        // that a million short trials must count without bias at realistic rates, not only at accelerated ones.
        var model = new DiskArrayModel(6, 5, Lifetime.Exponential(ReliabilityUnits.RateFromAfr(0.015)), 11, RebuildModel.Fixed, 4e12, 1e-14);
        double exact = ChainSolver.LossProbability(model.Chain, 5 * 8760);
        var mc = MonteCarlo.Mission(model, 5 * 8760, 1_000_000, 2);
        Assert.AreEqual(exact * mc.Trials, mc.Losses, 3.29 * Math.Sqrt(exact * mc.Trials), $"exact {exact}, Monte Carlo {mc.LossProbability}");
    }

    [TestMethod]
    public void LostBytes_CountEveryLossOfTheMission()
    {
        // RAID 0 of 2 without repair, restored after each loss: losses come as a Poisson stream at 2λ, each
        // losing one disk's half of the data, so the expected fraction lost over T is 2λT/2 = λT.
        var model = new DiskArrayModel(0, 2, Lifetime.Exponential(1 / Mttf), null, RebuildModel.Exponential, 1e12);
        var mc = MonteCarlo.Mission(model, 3000, 20_000, 5);
        Assert.AreEqual(3.0, mc.LostFraction.Mean, 3.29 * (mc.LostFraction.High - mc.LostFraction.Mean) / 1.96);
        Assert.AreEqual(3.0, ChainSolver.ExpectedLostFraction(model.Chain, 3000, model.Losses), 1e-9);
        Assert.AreEqual(1 - Math.Exp(-2 * 3.0), mc.LossProbability, 0.01);
    }

    [TestMethod]
    [DataRow(5, 4, RebuildModel.Exponential)]
    [DataRow(5, 4, RebuildModel.Fixed)]
    [DataRow(10, 4, RebuildModel.Fixed)]
    [DataRow(1, 2, RebuildModel.Exponential)]
    public void LostBytes_MonteCarloAgreesWithTheRenewalChain(int level, int disks, RebuildModel rebuild)
    {
        // Whole-disk losses and sectors lost to UREs together; a URE costs little next to a lost disk.
        var model = new DiskArrayModel(level, disks, Lifetime.Exponential(1 / Mttf), 80, rebuild, 2e12, 2e-14);
        double exact = ChainSolver.ExpectedLostFraction(model.Chain, 3000, model.Losses);
        var mc = MonteCarlo.Mission(model, 3000, 20_000, 13);
        AssertWithin(exact, mc.LostFraction);
    }

    [TestMethod]
    public void WeibullLifetimes_MatchTheirOrderStatistics()
    {
        var wear = new Lifetime(1.5, 1000);
        Assert.AreEqual(1000 * 0.9027452929509, wear.MeanHours, 1e-6, "η·Γ(1 + 1/1.5)");
        AssertWithin(wear.MeanHours, MonteCarlo.MeanTimeToLoss(new DiskArrayModel(0, 1, wear, null), 12_000, 9));

        // A mirrored pair without repair lasts the longer of two lifetimes: 2·E[X] − E[min], and the minimum of
        // two Weibull(β, η) lifetimes is Weibull(β, η·2^(−1/β)), so MTTDL = η·Γ(1 + 1/β)·(2 − 2^(−1/β)). Rising
        // hazard makes the pair worth less than the exponential chain's 1.5 lifetimes: 1.37 here.
        double pair = wear.MeanHours * (2 - Math.Pow(2, -1 / 1.5));
        AssertWithin(pair, MonteCarlo.MeanTimeToLoss(new DiskArrayModel(1, 2, wear, null), 12_000, 10));
        Assert.IsTrue(pair < 1.5 * wear.MeanHours);
    }

    [TestMethod]
    public void SameSeed_SameAnswer()
    {
        var model = new DiskArrayModel(5, 4, Lifetime.Exponential(1 / Mttf), 80);
        Assert.AreEqual(MonteCarlo.MeanTimeToLoss(model, 3000, 17), MonteCarlo.MeanTimeToLoss(model, 3000, 17));
        Assert.AreNotEqual(MonteCarlo.MeanTimeToLoss(model, 3000, 17).Mean, MonteCarlo.MeanTimeToLoss(model, 3000, 18).Mean);
    }

    [TestMethod]
    public void HopelessRuns_AreRefused()
    {
        var model = new DiskArrayModel(6, 8, Lifetime.Exponential(1e-6), 12);
        Assert.ThrowsExactly<ArrayRefusedException>(() => MonteCarlo.MeanTimeToLoss(model, 10_000, 1));
    }

    internal static void AssertWithin(double exact, MeanEstimate mc)
    {
        double se = (mc.High - mc.Mean) / 1.96;
        Assert.AreEqual(exact, mc.Mean, 3.29 * se, $"exact {exact:0}, Monte Carlo {mc.Mean:0} [{mc.Low:0}, {mc.High:0}]");
    }
}
