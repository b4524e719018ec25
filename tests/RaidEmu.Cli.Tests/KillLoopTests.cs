using System.Diagnostics;
using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests;

/// <summary>
/// raidemu killed with SIGKILL at random moments of writes and rebuilds, hundreds of times: every later command
/// must still start the array, and every write that was acknowledged (exit 0) must read back.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class KillLoopTests
{
    private const int Block = 4096;

    [TestMethod]
    public void SigkillDuringWritesAndRebuilds_NeverLeavesAnArrayThatCannotStart_NorLosesAcknowledgedData()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("r5");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "3M", "--chunk", "16K", "--assume-clean").Ok();
        var random = new Random(20261127);
        long volume = 3L * 2 * 1024 * 1024;
        var expected = new byte[volume];
        var inFlight = new Dictionary<long, byte[]>();
        var clock = Stopwatch.StartNew();

        // How long one write takes here, so kills land anywhere from assembly to the clean mark at the end.
        string input = tmp.Combine("block");
        File.WriteAllBytes(input, new byte[Block]);
        var timer = Stopwatch.StartNew();
        Cli.Run("write", array, "--input", input, "--offset", "0").Ok();
        int writeMs = (int)timer.ElapsedMilliseconds;

        int tries = 0;
        int killed = 0;
        for (long i = 1; i < volume / Block && tries < 300 && clock.Elapsed < TimeSpan.FromSeconds(35); i++, tries++)
        {
            var data = new byte[Block];
            random.NextBytes(data);
            File.WriteAllBytes(input, data);
            long offset = i * Block;
            if (Run(random.Next(writeMs / 4, writeMs + 1), "write", array, "--input", input, "--offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                data.CopyTo(expected, offset);
            }
            else
            {
                inFlight[offset] = data;
                killed++;
            }
        }

        // Rebuilds: replace a member, then kill recovery runs until one completes; again with another member.
        Cli.Run("rebuild", array).Ok();
        int rebuildMs = 0;
        for (int round = 0; round < 40 && clock.Elapsed < TimeSpan.FromSeconds(60); round++)
        {
            string disk = (1 + (round % 3)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Cli.Run("fail", array, "--disk", disk).Ok();
            Cli.Run("remove", array, "--disk", disk).Ok();
            Cli.Run("add", array).Ok();
            if (rebuildMs == 0)
            {
                timer.Restart();
                Cli.Run("rebuild", array).Ok();
                rebuildMs = (int)timer.ElapsedMilliseconds;
                continue;
            }

            // Bounded: a killed run costs the next one its JIT profile (see JitProfile), so a run may stay slower
            // than the one timed; after 20 kills in a row one runs to the end.
            for (int inRow = 0; !Run(inRow < 20 ? random.Next(rebuildMs / 4, rebuildMs + 1) : 120_000, "rebuild", array); inRow++)
            {
                tries++;
                killed++;
            }

            tries++;
        }

        // A quiet machine gets through a few hundred runs in the time; a loaded one (2 shared cores) far fewer.
        Console.WriteLine($"{tries} runs, {killed} killed, in {clock.Elapsed}");
        Assert.IsTrue(tries >= 40, $"only {tries} tries ({killed} killed) in {clock.Elapsed}; a write takes {writeMs} ms, a rebuild {rebuildMs} ms");
        Assert.IsTrue(killed >= tries / 5, $"only {killed} of {tries} runs were killed mid-way");
        Cli.Run("rebuild", array).Ok();
        var status = JsonDocument.Parse(Cli.Run("status", array, "--json").Ok().Out).RootElement;
        Assert.AreEqual("optimal", status.GetProperty("state").GetString());
        StringAssert.Contains(Cli.Run("check", array).Ok().Out, "check: 0 mismatched sectors");

        string output = tmp.Combine("volume");
        Cli.Run("read", array, "--output", output).Ok();
        var actual = File.ReadAllBytes(output);
        for (long offset = Block; offset < volume; offset += Block)
        {
            var got = actual.AsSpan((int)offset, Block);
            bool acknowledged = got.SequenceEqual(expected.AsSpan((int)offset, Block));
            bool landed = inFlight.TryGetValue(offset, out var maybe) && got.SequenceEqual(maybe);
            Assert.IsTrue(acknowledged || landed, $"block at {offset} holds neither its acknowledged bytes nor the killed write's");
        }
    }

    /// <summary>Runs raidemu and SIGKILLs it after <paramref name="killAfterMs"/>; true when it finished first (and succeeded).</summary>
    private static bool Run(int killAfterMs, params string[] args)
    {
        using var process = Cli.Start(args);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(killAfterMs))
        {
            process.Kill();
            process.WaitForExit();
            return false;
        }

        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, $"raidemu {string.Join(' ', args)} after earlier kills: {stderr.Result}{stdout.Result}");
        return true;
    }
}
