using RaidEmu.Core.Reliability;

namespace RaidEmu.Core.Tests.Reliability;

/// <summary>Worked examples from the literature, each cited where it is used.</summary>
[TestClass]
public sealed class PublishedExampleTests
{
    [TestMethod]
    public void Patterson1988_Level5Groups_OfTenDataDisks()
    {
        // Patterson, Gibson & Katz, "A Case for Redundant Arrays of Inexpensive Disks (RAID)", SIGMOD 1988:
        // MTTF_RAID = MTTF_disk² / ((D + C·nG)·(G + C − 1)·MTTR), with their disk of MTTF 30,000 h and an MTTR
        // of 1 h. One group of G = 10 data + C = 1 check disks: 30,000² / (11·10·1) = 8,181,818 h; the paper's
        // 100 data disks in 10 such groups: a tenth of that, 818,182 h, the "more than 90 years" it quotes.
        var group = new DiskArrayModel(5, 11, Lifetime.Exponential(1 / 30_000.0), 1);
        double approx = Approximations.For(group)[0].Hours;
        Assert.AreEqual(8_181_818, approx, 1);
        Assert.AreEqual(818_182, approx / 10, 1);
        Assert.IsTrue(approx / 10 / ReliabilityUnits.HoursPerYear > 90);

        // The exact chain differs by the factor 1 + (2N − 1)·MTTR/MTTF = 1 + 21/30,000.
        Assert.AreEqual(approx * (1 + (21 / 30_000.0)), group.ExactMeanTimeToLoss(out _), 1);
    }

    [TestMethod]
    public void Chen1994_Raid6_LeadingTerm()
    {
        // Chen, Lee, Gibson, Katz & Patterson, "RAID: High-Performance, Reliable Secondary Storage", ACM Computing
        // Surveys 1994: double-erasure arrays reach MTTF³ / (N(N−1)(N−2)·MTTR²). For N = 8, MTTF 100,000 h,
        // MTTR 10 h: 1e15 / (336·100) = 2.976e10 h.
        var model = new DiskArrayModel(6, 8, Lifetime.Exponential(1e-5), 10);
        Assert.AreEqual(1e15 / 33_600, Approximations.For(model)[0].Hours, 1e3);
        Assert.AreEqual(1, model.ExactMeanTimeToLoss(out _) / (1e15 / 33_600), 0.01);
    }

    [TestMethod]
    public void Textbook_ParallelAndKOutOfNSystems_WithoutRepair()
    {
        // Rausand & Høyland, "System Reliability Theory", 2nd ed. (2004), ch. 6: for identical units with rate λ,
        // a parallel pair lasts 3/(2λ), three in parallel (1 + 1/2 + 1/3)/λ = 11/(6λ), and 2-out-of-3 5/(6λ).
        double lambda = 1 / 1000.0;
        Assert.AreEqual(1500, ClosedForms.KOutOfNWithoutRepair(2, 1, lambda), 1e-9);
        Assert.AreEqual(11_000 / 6.0, ClosedForms.KOutOfNWithoutRepair(3, 1, lambda), 1e-9);
        Assert.AreEqual(5_000 / 6.0, ClosedForms.KOutOfNWithoutRepair(3, 2, lambda), 1e-9);
        var mirror3 = new DiskArrayModel(1, 3, Lifetime.Exponential(lambda), null);
        Assert.AreEqual(11_000 / 6.0, mirror3.ExactMeanTimeToLoss(out _), 1e-6);
        var twoOfThree = new SupplyGroupModel(SupplyRedundancy.NPlusM, 3, 2, Lifetime.Exponential(lambda), null);
        Assert.AreEqual(5_000 / 6.0, ChainSolver.MeanTimeToLoss(twoOfThree.Chain), 1e-6);
    }

    [TestMethod]
    public void Textbook_StandbySystems()
    {
        // Rausand & Høyland (2004), ch. 6 and 8: a cold standby pair with perfect switching lasts 2/λ; with a
        // switch that works with probability p, (1 + p)/λ; with repair rate μ, the hot pair lasts (3λ + μ)/(2λ²)
        // and the cold pair (2λ + μ)/λ².
        double lambda = 1 / 1000.0;
        double mu = 1 / 10.0;
        var cold = new SupplyGroupModel(SupplyRedundancy.Failover, 2, 1, Lifetime.Exponential(lambda), null);
        Assert.AreEqual(2000, ChainSolver.MeanTimeToLoss(cold.Chain), 1e-6);
        var leaky = new SupplyGroupModel(SupplyRedundancy.Failover, 2, 1, Lifetime.Exponential(lambda), null, coverage: 0.9);
        Assert.AreEqual(1900, ChainSolver.MeanTimeToLoss(leaky.Chain), 1e-6);
        var hotRepaired = new SupplyGroupModel(SupplyRedundancy.Sharing, 2, 1, Lifetime.Exponential(lambda), 10);
        Assert.AreEqual(((3 * lambda) + mu) / (2 * lambda * lambda), ChainSolver.MeanTimeToLoss(hotRepaired.Chain), 1e-3);
        var coldRepaired = new SupplyGroupModel(SupplyRedundancy.Failover, 2, 1, Lifetime.Exponential(lambda), 10);
        Assert.AreEqual(((2 * lambda) + mu) / (lambda * lambda), ChainSolver.MeanTimeToLoss(coldRepaired.Chain), 1e-3);
        var leakyRepaired = new SupplyGroupModel(SupplyRedundancy.Failover, 2, 1, Lifetime.Exponential(lambda), 10, coverage: 0.95);
        Assert.AreEqual(ClosedForms.ColdStandbyPairWithRepair(lambda, mu, 0.95), ChainSolver.MeanTimeToLoss(leakyRepaired.Chain), 1e-3);
        Assert.AreEqual(ClosedForms.ColdStandbyWithoutRepair(2, 2, lambda, 0.9), ChainSolver.MeanTimeToLoss(
            new SupplyGroupModel(SupplyRedundancy.Failover, 4, 2, Lifetime.Exponential(lambda), null, coverage: 0.9).Chain), 1e-6);
    }

    [TestMethod]
    public void Backblaze_AnnualisedFailureRate_ConvertsThroughTheSurvivalProbability()
    {
        // An AFR of 1.5 % (the order of Backblaze's fleet figures): λ = −ln(0.985)/8760 = 1.7253e-6 per hour,
        // an MTTF of 579,610 h — and a year at that rate indeed loses 1.5 % of the drives.
        double rate = ReliabilityUnits.RateFromAfr(0.015);
        Assert.AreEqual(1.7253e-6, rate, 1e-10);
        Assert.AreEqual(579_610, 1 / rate, 10);
        Assert.AreEqual(0.015, 1 - Math.Exp(-rate * 8760), 1e-12);
    }
}
