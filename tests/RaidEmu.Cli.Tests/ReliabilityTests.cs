using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests;

[TestClass]
public sealed class ReliabilityTests
{
    [TestMethod]
    public void Json_HasTheExactValue_TheInterval_TheMission_AndTheApproximations()
    {
        var r = Cli.Run("reliability", "--level", "5", "--disks", "4", "--mttf", "1000", "--mttr", "80", "--capacity", "2TB", "--ure", "1e-14",
            "--method", "all", "--trials", "4000", "--seed", "3", "--mission", "2000h", "--json").Ok();
        var doc = JsonDocument.Parse(r.Out).RootElement;
        Assert.AreEqual("all", doc.GetProperty("method").GetString());
        double q = Math.Exp(-3 * 2e12 * 8 * 1e-14);
        Assert.AreEqual(q, doc.GetProperty("rebuildSuccessProbability").GetDouble(), 1e-12);

        // The closed form for one-failure-tolerant arrays, with failed rebuilds losing data.
        double lambda = 1 / 1000.0, mu = 1 / 80.0;
        double exact = (mu + (7 * lambda)) / (4 * lambda * ((3 * lambda) + ((1 - q) * mu)));
        double mttdl = doc.GetProperty("mttdlHours").GetDouble();
        Assert.AreEqual(exact, mttdl, exact * 1e-9);
        double low = doc.GetProperty("mttdlHoursLow").GetDouble(), high = doc.GetProperty("mttdlHoursHigh").GetDouble();
        Assert.IsTrue(low < high && low > exact * 0.9 && high < exact * 1.1, $"{low} – {high} around {exact}");
        double p = doc.GetProperty("lossProbability").GetDouble();
        Assert.IsTrue(p is > 0 and < 1);
        Assert.IsTrue(doc.GetProperty("nomdlBytesPerUsableTb").GetDouble() > 0);
        var approximations = doc.GetProperty("approximations").EnumerateArray().ToList();
        Assert.IsTrue(approximations.Count >= 2);
        Assert.IsTrue(approximations.All(a => a.GetProperty("name").GetString()!.Length > 0 && a.GetProperty("hours").GetDouble() > 0));
    }

    [TestMethod]
    public void Text_PrintsExactAndApproximationSideBySide()
    {
        var r = Cli.Run("reliability", "--level", "6", "--disks", "8", "--afr", "1.5", "--mttr", "2d", "--method", "approx").Ok();
        StringAssert.Contains(r.Out, "exact (Markov chain");
        StringAssert.Contains(r.Out, "Chen, Lee, Gibson, Katz & Patterson 1994");
        StringAssert.Contains(r.Out, "% from exact");
        StringAssert.Contains(r.Out, "AFR 1.5 %");
    }

    [TestMethod]
    public void Psu_ColdStandbyPair_LastsTwoLifetimes_HotPairOneAndAHalf()
    {
        var cold = JsonDocument.Parse(Cli.Run("reliability", "--psu", "--supplies", "2", "--mode", "failover", "--mtbf", "1000", "--json").Ok().Out).RootElement;
        Assert.AreEqual(2000, cold.GetProperty("mttfHours").GetDouble(), 1e-6);
        var hot = JsonDocument.Parse(Cli.Run("reliability", "--psu", "--supplies", "2", "--mode", "sharing", "--mtbf", "1000", "--json").Ok().Out).RootElement;
        Assert.AreEqual(1500, hot.GetProperty("mttfHours").GetDouble(), 1e-6);
        var mc = JsonDocument.Parse(Cli.Run("reliability", "--psu", "--supplies", "2", "--mode", "failover", "--mtbf", "1000", "--mttr", "10",
            "--coverage", "0.9", "--method", "montecarlo", "--trials", "4000", "--json").Ok().Out).RootElement;
        Assert.IsTrue(mc.GetProperty("mttfHoursLow").GetDouble() < mc.GetProperty("mttfHours").GetDouble());
    }

    [TestMethod]
    public void FromArray_TakesGeometryAndTheMeasuredRebuildRate()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("r5");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "8M", "--assume-clean").Ok();
        Cli.Run("fail", array, "--disk", "1").Ok();
        Cli.Run("remove", array, "--disk", "1").Ok();
        Cli.Run("add", array).Ok();
        Cli.Run("rebuild", array).Ok();
        var doc = JsonDocument.Parse(Cli.Run("reliability", "--from-array", array, "--mttf", "1e6", "--capacity", "4TB", "--json").Ok().Out).RootElement;
        Assert.AreEqual(5, doc.GetProperty("level").GetInt32());
        Assert.AreEqual(4, doc.GetProperty("disks").GetInt32());
        double rate = doc.GetProperty("fromArray").GetProperty("rebuildBytesPerSecond").GetDouble();
        Assert.IsTrue(rate > 0);
        Assert.AreEqual(4e12 / rate / 3600, doc.GetProperty("mttrHours").GetDouble(), 1e-6, "the measured rate, scaled to the 4 TB asked for");

        // Before any rebuild there is nothing to measure: no repair unless --mttr says otherwise.
        string fresh = tmp.Combine("fresh");
        Cli.Run("create", fresh, "--level", "1", "--disks", "2", "--disk-size", "8M", "--assume-clean").Ok();
        var none = JsonDocument.Parse(Cli.Run("reliability", "--from-array", fresh, "--mttf", "1e6", "--json").Ok().Out).RootElement;
        Assert.AreEqual("none", none.GetProperty("rebuild").GetString());
        Assert.AreEqual(1.5e6, none.GetProperty("mttdlHours").GetDouble(), 1e-3);
    }

    [TestMethod]
    public void Help_ExplainsTheAfrConversionAndTheUnits()
    {
        // The help is wrapped to the terminal; read it as one line.
        string help = string.Join(' ', Cli.Run("reliability", "--help").Ok().Out.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        StringAssert.Contains(help, "-ln(1 - AFR)/8760");
        StringAssert.Contains(help, "TB/GB are decimal");
        StringAssert.Contains(help, "1 y = 8760 h");
    }

    [TestMethod]
    [DataRow("6 disks 3", "at least 4 disks", "--level", "6", "--disks", "3", "--mttf", "1e6")]
    [DataRow("zero rate", "--mttf", "--level", "5", "--disks", "4", "--mttf", "0")]
    [DataRow("negative rate", "--mttf", "--level", "5", "--disks", "4", "--mttf", "-5")]
    [DataRow("negative afr", "--afr", "--level", "5", "--disks", "4", "--afr", "-2")]
    [DataRow("unknown duration unit", "--mission", "--level", "5", "--disks", "4", "--mttf", "1e6", "--mission", "5w")]
    [DataRow("unknown size unit", "--capacity", "--level", "5", "--disks", "4", "--mttf", "1e6", "--capacity", "4XB", "--ure", "1e-14")]
    [DataRow("level", "RAID level 7", "--level", "7", "--disks", "4", "--mttf", "1e6")]
    [DataRow("repair", "--mttr", "--level", "1", "--disks", "2", "--mttf", "1e6", "--mttr", "-1")]
    [DataRow("psu needs more than it has", "between 1 and 2", "--psu", "--supplies", "2", "--min-needed", "3", "--mtbf", "1e5")]
    [DataRow("coverage", "--coverage", "--psu", "--supplies", "2", "--mode", "failover", "--coverage", "2", "--mtbf", "1e5")]
    public void BadInput_OneLine_Exit2(string why, string expected, params string[] args)
    {
        Cli.Run(["reliability", .. args]).Fails(2, expected);
        Assert.IsNotNull(why);
    }
}
