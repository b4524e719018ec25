using RaidEmu.Core.Reliability;

namespace RaidEmu.Core.Tests.Reliability;

/// <summary>The numeric chain solver against the closed forms it must reproduce.</summary>
[TestClass]
public sealed class ChainTests
{
    private const double Lambda = 1e-5;

    [TestMethod]
    [DataRow(5, 4)]
    [DataRow(5, 8)]
    [DataRow(1, 2)]
    public void OneTolerant_ExponentialRebuild_ChainEqualsClosedForm(int level, int disks)
    {
        foreach (double ure in new[] { 0, 1e-14 })
        {
            var model = new DiskArrayModel(level, disks, Lifetime.Exponential(Lambda), 24, RebuildModel.Exponential, 4e12, ure);
            double closed = ClosedForms.OneTolerantExponential(disks, Lambda, 1 / 24.0, model.RebuildSuccessProbability);
            Assert.AreEqual(closed, ChainSolver.MeanTimeToLoss(model.Chain), closed * 1e-9, $"URE {ure}");
        }
    }

    [TestMethod]
    public void OneTolerant_FixedRebuild_SemiMarkovEqualsClosedForm()
    {
        foreach (double ure in new[] { 0, 1e-14 })
        {
            var model = new DiskArrayModel(5, 5, Lifetime.Exponential(Lambda), 30, RebuildModel.Fixed, 4e12, ure);
            double closed = ClosedForms.OneTolerantFixed(5, Lambda, 30, model.RebuildSuccessProbability);
            Assert.AreEqual(closed, ChainSolver.MeanTimeToLoss(model.Chain), closed * 1e-9, $"URE {ure}");
        }
    }

    [TestMethod]
    public void NoRepair_IsTheKOutOfNSum()
    {
        var raid6 = new DiskArrayModel(6, 6, Lifetime.Exponential(Lambda), null);
        Assert.AreEqual(ClosedForms.KOutOfNWithoutRepair(6, 4, Lambda), ChainSolver.MeanTimeToLoss(raid6.Chain), 1e-6);
        var raid0 = new DiskArrayModel(0, 3, Lifetime.Exponential(Lambda), 24);
        Assert.AreEqual(1 / (3 * Lambda), ChainSolver.MeanTimeToLoss(raid0.Chain), 1e-6);
    }

    [TestMethod]
    public void FixedRebuild_ErlangPhasesConvergeToTheSemiMarkovSolution()
    {
        // Fast failures make the rebuild's spread matter: RAID 6 loses data by two more failures within rebuilds.
        var model = new DiskArrayModel(6, 8, Lifetime.Exponential(1e-3), 100, RebuildModel.Fixed);
        double exact = ChainSolver.MeanTimeToLoss(model.Chain);
        double one = ChainSolver.PhasedMeanTime(model.Chain, 1);
        double many = ChainSolver.PhasedMeanTime(model.Chain, 256);
        Assert.IsTrue(Math.Abs(many - exact) < Math.Abs(one - exact) / 50, $"exact {exact}, 1 phase {one}, 256 phases {many}");
        Assert.AreEqual(exact, many, exact * 0.01);
    }

    [TestMethod]
    public void Raid6_RealisticRates_KeepTheirDigits_AndMeetTheLeadingTerm()
    {
        // MTTF 1.2 million hours, 12 h rebuilds: MTTDL near 1e15 h. Plain elimination loses this to rounding.
        var model = new DiskArrayModel(6, 10, Lifetime.Exponential(1 / 1.2e6), 12);
        double exact = ChainSolver.MeanTimeToLoss(model.Chain);
        double leading = Approximations.For(model)[0].Hours;
        Assert.AreEqual(1, exact / leading, 1e-3, $"exact {exact}, leading term {leading}");
        Assert.IsTrue(exact > leading, "the leading term drops paths that only lengthen the time to loss");
    }

    [TestMethod]
    public void LossProbability_MatchesTheTransientKOutOfNFormula()
    {
        // RAID 5 of 4 without repair loses data when 2 disks are dead: P = 1 − R⁴ − 4R³(1 − R), R = e^(−λt).
        var model = new DiskArrayModel(5, 4, Lifetime.Exponential(Lambda), null);
        double t = 50_000;
        double r = Math.Exp(-Lambda * t);
        double expected = 1 - Math.Pow(r, 4) - (4 * Math.Pow(r, 3) * (1 - r));
        Assert.AreEqual(expected, ChainSolver.LossProbability(model.Chain, t), 1e-12);
    }

    [TestMethod]
    public void LossProbability_WithRepair_IsCloseToTheExponentialOfTheMttdl_AndSmallValuesKeepDigits()
    {
        var model = new DiskArrayModel(6, 8, Lifetime.Exponential(1 / 1e6), 24);
        double mttdl = ChainSolver.MeanTimeToLoss(model.Chain);
        double p = ChainSolver.LossProbability(model.Chain, 87_600);
        Assert.IsTrue(p is > 1e-9 and < 1e-4, $"p {p}");
        Assert.AreEqual(Approximations.MissionLoss(mttdl, 87_600), p, p * 0.05);
    }

    [TestMethod]
    public void FixedRebuild_LossProbability_ExtrapolatesTheErlangPhasesToTheFixedTime()
    {
        // RAID 6 loses data by two more failures within one rebuild, so the rebuild's spread matters: 64 Erlang
        // phases alone are about 1/64 too high; the extrapolation must agree with the same extrapolation from 128
        // and 64 phases, and with the steady-rate approximation built from the exact (semi-Markov) mean.
        var model = new DiskArrayModel(6, 5, Lifetime.Exponential(1 / 1e5), 20, RebuildModel.Fixed);
        double t = 87_600;
        double extrapolated = ChainSolver.LossProbability(model.Chain, t);
        double many = (2 * ChainSolver.PhasedLossProbability(model.Chain, t, 128)) - ChainSolver.PhasedLossProbability(model.Chain, t, 64);
        double fromMean = Approximations.MissionLoss(ChainSolver.MeanTimeToLoss(model.Chain), t);
        double plain = ChainSolver.PhasedLossProbability(model.Chain, t, ChainSolver.FixedRepairPhases);
        Assert.AreEqual(many, extrapolated, many * 0.001, $"extrapolated {extrapolated}, from 128 phases {many}");
        Assert.AreEqual(fromMean, extrapolated, fromMean * 0.003, $"from the exact mean {fromMean}");
        Assert.IsTrue(plain > extrapolated * 1.005, $"64 phases {plain} should be visibly high");
    }
}
