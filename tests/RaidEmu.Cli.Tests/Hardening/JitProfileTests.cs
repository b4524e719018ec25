using System.Reflection;
using System.Text;
using CommandLine;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>The per-verb JIT profile: kept where it is asked for, never in the way, and dropped after a run that did not end.</summary>
[TestClass]
public sealed class JitProfileTests
{
    [TestMethod]
    public void Every_verb_has_a_profile_name_and_nothing_else_does()
    {
        var verbs = typeof(JitProfile).Assembly.GetTypes()
            .Select(t => t.GetCustomAttribute<VerbAttribute>()?.Name)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

        CollectionAssert.AreEqual(verbs, JitProfile.Verbs.Order(StringComparer.Ordinal).ToList());
    }

    [TestMethod]
    public void A_verb_records_its_profile_and_runs_the_same_with_it_whole_or_damaged()
    {
        using var tmp = new TempFolder();
        var (array, environment, expected, profile) = Recorded(tmp);
        var recorded = File.ReadAllBytes(profile);
        Assert.IsTrue(recorded.Length > 0, "the run left its profile");
        Assert.AreEqual(0, Directory.GetFiles(tmp.Combine("cache"), "*.running").Length, "a run that ended removes its marker");
        var garbage = new byte[20_000];
        new Random(3).NextBytes(garbage);

        foreach (byte[] content in new[] { recorded, garbage, recorded[..100], [] })
        {
            File.WriteAllBytes(profile, content);
            var run = Cli.RunWith(environment, "status", array).Ok();
            Assert.AreEqual(expected, run.Out);
            Assert.AreEqual("", run.Err);
        }
    }

    [TestMethod]
    public void A_profile_that_aborts_the_runtime_costs_one_run_at_most()
    {
        using var tmp = new TempFolder();
        var (array, environment, expected, profile) = Recorded(tmp);

        // A module record that still parses with a name the runtime refuses: its replay thread throws, and the
        // process aborts before or after the verb has done anything (found by fuzzing the file).
        var bytes = File.ReadAllBytes(profile);
        int name = bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes("CommandLine\0"));
        int culture = bytes.AsSpan(name).IndexOf(Encoding.ASCII.GetBytes("Culture=")) + name + 7;
        Assert.IsTrue(name > 13 && culture > name, "the profile names the parser library's module");
        bytes[name - 13] ^= 0x9f;
        bytes[culture] = 0;
        File.WriteAllBytes(profile, bytes);

        var first = Cli.RunWith(environment, "status", array);
        var second = Cli.RunWith(environment, "status", array).Ok();

        Assert.AreEqual(expected, second.Out, $"the run after (the first exited {first.Code})");
        Assert.AreEqual("", second.Err);
    }

    [TestMethod]
    public void A_link_where_the_profile_goes_is_removed_not_written_through()
    {
        using var tmp = new TempFolder();
        string array = Created(tmp);
        var environment = Cache(tmp.Combine("cache"));
        Directory.CreateDirectory(tmp.Combine("cache"));
        string victim = tmp.Combine("victim.txt");
        File.WriteAllText(victim, "not a profile");
        File.CreateSymbolicLink(tmp.Combine("cache/status.jitprofile"), victim);

        Cli.RunWith(environment, "status", array).Ok();

        Assert.AreEqual("not a profile", File.ReadAllText(victim));
        Assert.IsNull(new FileInfo(tmp.Combine("cache/status.jitprofile")).LinkTarget, "the link is gone");
    }

    [TestMethod]
    public void No_profile_is_written_when_switched_off_or_when_the_cache_cannot_be_made()
    {
        using var tmp = new TempFolder();
        string array = Created(tmp);
        var off = new Dictionary<string, string?> { [JitProfile.Switch] = "0", ["XDG_CACHE_HOME"] = tmp.Combine("off") };
        Cli.RunWith(off, "status", array).Ok();
        Assert.IsFalse(Directory.Exists(tmp.Combine("off")), "switched off: no cache folder");

        string blocked = tmp.Combine("a-file");
        File.WriteAllText(blocked, "not a folder");
        var run = Cli.RunWith(Cache(blocked), "status", array).Ok();
        Assert.AreEqual("", run.Err, "a cache that cannot be made is not the user's problem");
    }

    /// <summary>An array, and the output and profile of one `status` of it with its profiles in tmp/cache.</summary>
    private static (string Array, Dictionary<string, string?> Environment, string Expected, string Profile) Recorded(TempFolder tmp)
    {
        string array = Created(tmp);
        var environment = Cache(tmp.Combine("cache"));
        string expected = Cli.RunWith(environment, "status", array).Ok().Out;
        return (array, environment, expected, tmp.Combine("cache/status.jitprofile"));
    }

    private static Dictionary<string, string?> Cache(string folder) => new() { [JitProfile.Switch] = folder };

    private static string Created(TempFolder tmp)
    {
        string array = tmp.Combine("r");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M").Ok();
        return array;
    }
}
