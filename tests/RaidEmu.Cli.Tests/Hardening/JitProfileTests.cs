using System.Reflection;
using CommandLine;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>The per-verb JIT profile: written to the user's cache, never in the way when it cannot be.</summary>
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
        string array = Created(tmp);
        var environment = Cache(tmp.Combine("cache"));
        string expected = Cli.RunWith(environment, "status", array).Ok().Out;
        string profile = tmp.Combine("cache/raidemu/jit/status.jitprofile");
        var recorded = File.ReadAllBytes(profile);
        Assert.IsTrue(recorded.Length > 0, "the run left its profile");
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
    public void No_profile_is_written_when_switched_off_or_when_the_cache_cannot_be_made()
    {
        using var tmp = new TempFolder();
        string array = Created(tmp);
        var off = Cache(tmp.Combine("off"));
        off[JitProfile.Switch] = "0";
        Cli.RunWith(off, "status", array).Ok();
        Assert.IsFalse(Directory.Exists(tmp.Combine("off")), "switched off: no cache folder");

        string blocked = tmp.Combine("a-file");
        File.WriteAllText(blocked, "not a folder");
        var run = Cli.RunWith(Cache(blocked), "status", array).Ok();
        Assert.AreEqual("", run.Err, "a cache that cannot be made is not the user's problem");

        var homeless = Cli.RunWith(new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = null, ["HOME"] = null }, "status", array).Ok();
        Assert.AreEqual("", homeless.Err);
    }

    private static Dictionary<string, string?> Cache(string folder) => new() { ["XDG_CACHE_HOME"] = folder, [JitProfile.Switch] = null };

    private static string Created(TempFolder tmp)
    {
        string array = tmp.Combine("r");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M").Ok();
        return array;
    }
}
