using System.Diagnostics;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>The event log: whole lines, a torn tail tolerated, and no half-applied command when it cannot be written.</summary>
[TestClass]
public sealed class EventLogTests
{
    [TestMethod]
    public void A_torn_last_line_does_not_swallow_the_next_event()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp);
        File.AppendAllText(Path.Combine(array, "events.jsonl"), "{\"time\":\"2026-01-01T00:00:00Z\",\"ty");
        Cli.Run("fail", array, "--disk", "1").Ok();
        StringAssert.Contains(Cli.Run("events", array).Ok().Out, "failed by request");
    }

    [TestMethod]
    public void Fail_with_an_unwritable_event_log_refuses_before_applying()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp);
        string log = Path.Combine(array, "events.jsonl");
        if (!Chattr("+i", log))
        {
            Assert.Inconclusive("chattr +i is not available here (needs root on ext4 or similar)");
        }

        try
        {
            Cli.Run("fail", array, "--disk", "1").Fails(1, "nothing was changed");
            StringAssert.Contains(Cli.Run("status", array).Ok().Out, "state:      optimal");
        }
        finally
        {
            Chattr("-i", log);
        }
    }

    private static string Create(TempFolder tmp)
    {
        string array = tmp.Combine("e");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "2M", "--chunk", "64K", "--assume-clean").Ok();
        return array;
    }

    private static bool Chattr(string flag, string path)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("chattr") { ArgumentList = { flag, path }, RedirectStandardError = true })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
