using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Faults;

// One shared array, and a fault change holds its lock: one at a time.
[TestClass]
[DoNotParallelize]
public sealed class FaultBadInputTests
{
    private static TempFolder s_tmp = null!;
    private static string s_array = "";

    [ClassInitialize]
    public static void Setup(TestContext context)
    {
        s_tmp = new TempFolder();
        s_array = FaultCommandTests.Create(s_tmp, "bad");
    }

    [ClassCleanup]
    public static void Cleanup() => s_tmp.Dispose();

    [TestMethod]
    [DataRow("unknown fault kind 'rot'", "--disk", "0", "--kind", "rot")]
    [DataRow("array has no disk 7 (its disks are 0, 1, 2)", "--disk", "7", "--kind", "unreadable")]
    [DataRow("run past the end of disk 0's data area", "--disk", "0", "--kind", "unreadable", "--sectors", "0-100000")]
    [DataRow("run past the end of disk 1's data area", "--disk", "1", "--kind", "corrupt", "--offset", "4M", "--length", "512")]
    [DataRow("--rate must be a probability from 0 to 1", "--disk", "0", "--kind", "flaky", "--rate", "1.5")]
    [DataRow("--rate must be a probability from 0 to 1", "--disk", "0", "--kind", "flaky", "--rate=-0.1")]
    [DataRow("--rate must be a probability from 0 to 1", "--disk", "0", "--kind", "flaky", "--rate", "NaN")]
    [DataRow("hang faults need --ms", "--disk", "0", "--kind", "hang")]
    [DataRow("vanish faults need --ms", "--disk", "0", "--kind", "vanish")]
    [DataRow("flaky faults need --rate", "--disk", "0", "--kind", "flaky")]
    [DataRow("slow faults need --latency MS or --bandwidth", "--disk", "0", "--kind", "slow")]
    [DataRow("slow faults need --latency MS (jitter", "--disk", "0", "--kind", "slow", "--jitter", "3")]
    [DataRow("fail-after faults need --writes N or --bytes N", "--disk", "0", "--kind", "fail-after")]
    [DataRow("unreadable faults do not take --rate", "--disk", "0", "--kind", "unreadable", "--rate", "0.5")]
    [DataRow("corrupt faults do not take --ms", "--disk", "0", "--kind", "corrupt", "--ms", "5")]
    [DataRow("hang faults do not take --seed", "--disk", "0", "--kind", "hang", "--ms", "5", "--seed", "1")]
    [DataRow("slow faults take the whole disk", "--disk", "0", "--kind", "slow", "--latency", "1", "--sectors", "0-7")]
    [DataRow("vanish faults take the whole disk", "--disk", "0", "--kind", "vanish", "--ms", "5", "--offset", "0", "--length", "512")]
    [DataRow("either as --sectors A-B or as --offset and --length, not both", "--disk", "0", "--kind", "unreadable", "--sectors", "0-7", "--offset", "0", "--length", "512")]
    [DataRow("--offset and --length go together", "--disk", "0", "--kind", "unreadable", "--offset", "0")]
    [DataRow("multiples of 512", "--disk", "0", "--kind", "unreadable", "--offset", "100", "--length", "512")]
    [DataRow("--length must be more than 0", "--disk", "0", "--kind", "unreadable", "--offset", "0", "--length", "0")]
    [DataRow("is not a range", "--disk", "0", "--kind", "unreadable", "--sectors", "a-b")]
    [DataRow("is not a range", "--disk", "0", "--kind", "unreadable", "--sectors=-5")]
    [DataRow("the last sector comes before the first", "--disk", "0", "--kind", "unreadable", "--sectors", "9-3")]
    [DataRow("--latency must be a number of milliseconds, 0 or more", "--disk", "0", "--kind", "slow", "--latency=-1")]
    [DataRow("--latency must be a number of milliseconds, 0 or more", "--disk", "0", "--kind", "slow", "--latency", "NaN")]
    [DataRow("--jitter must be a number of milliseconds, 0 or more", "--disk", "0", "--kind", "slow", "--latency", "1", "--jitter=-2")]
    [DataRow("--bandwidth must be more than 0", "--disk", "0", "--kind", "slow", "--bandwidth", "0")]
    [DataRow("--bandwidth 'fast' is not a size", "--disk", "0", "--kind", "slow", "--bandwidth", "fast")]
    [DataRow("--ms must be 1 or more", "--disk", "0", "--kind", "hang", "--ms=-5")]
    [DataRow("--writes must be 0 or more", "--disk", "0", "--kind", "fail-after", "--writes=-1")]
    [DataRow("--bytes '-1' is not a size", "--disk", "0", "--kind", "fail-after", "--bytes=-1")]
    [DataRow("fault add needs --disk N", "--kind", "unreadable")]
    [DataRow("fault add needs --kind", "--disk", "0")]
    [DataRow("fault add does not take --id", "--disk", "0", "--kind", "unreadable", "--id", "3")]
    public void Bad_add_is_one_line_and_exit_2_and_changes_nothing(string expected, params string[] options)
    {
        Cli.Run(["fault", "add", s_array, .. options]).Fails(2, expected);
        Assert.IsFalse(File.Exists(Path.Combine(s_array, "faults.json")), "a refused add writes no faults.json");
        Assert.IsFalse(FaultCommandTests.Events(s_array).Any(e => e.GetProperty("type").GetString() == "FaultInjected"));
    }

    [TestMethod]
    [DataRow("unknown fault action 'break'", "break")]
    [DataRow("no fault 4: the array has no faults", "clear", "--id", "4")]
    [DataRow("array has no disk 9", "clear", "--disk", "9")]
    [DataRow("fault clear takes only --disk and --id, not --kind", "clear", "--kind", "slow")]
    [DataRow("fault list does not take --disk", "list", "--disk", "1")]
    public void Bad_list_or_clear_is_one_line_and_exit_2(string expected, string action, params string[] options) =>
        Cli.Run(["fault", action, s_array, .. options]).Fails(2, expected);

    [TestMethod]
    public void No_such_array_is_exit_2() =>
        Cli.Run("fault", "list", s_tmp.Combine("nowhere")).Fails(2, "no array at");

    [TestMethod]
    public void Help_names_every_kind_and_parameter()
    {
        string help = Cli.Run("help", "fault").Ok().Out;
        foreach (string word in new[] { "unreadable", "fail-after", "sectors", "offset", "latency", "jitter", "bandwidth", "rate", "ms", "writes", "bytes", "seed", "id", "[--id ID]" })
        {
            StringAssert.Contains(help, word);
        }
    }
}
