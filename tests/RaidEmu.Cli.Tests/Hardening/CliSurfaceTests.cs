using System.Diagnostics;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>The smaller CLI findings of issue 14: one stderr line, bounded and rejected inputs, help and output.</summary>
[TestClass]
public sealed class CliSurfaceTests
{
    [TestMethod]
    public void An_empty_array_path_is_one_clear_line() =>
        Cli.Run("create", "", "--level", "1", "--disks", "2", "--disk-size", "4M").Fails(2, "ARRAY is empty");

    [TestMethod]
    public void A_missing_argument_is_named()
    {
        Cli.Run("status").Fails(2, "missing required argument ARRAY");
        Cli.Run("mount", "a").Fails(2, "missing required argument MOUNTPOINT");
    }

    [TestMethod]
    public void Extra_positional_arguments_are_rejected()
    {
        using var tmp = new TempFolder();
        Cli.Run("status", tmp.Path, "other").Fails(2, "unexpected argument 'other'");
        Cli.Run("create", tmp.Combine("x"), "surplus", "--level", "1", "--disks", "2", "--disk-size", "4M").Fails(2, "unexpected argument 'surplus'");
        Assert.IsFalse(Directory.Exists(tmp.Combine("x")));
    }

    [TestMethod]
    public void Chunk_and_layout_are_rejected_for_raid1()
    {
        using var tmp = new TempFolder();
        Cli.Run("create", tmp.Combine("c"), "--level", "1", "--disks", "2", "--disk-size", "4M", "--chunk", "64K").Fails(2, "--chunk is for RAID 5");
        Cli.Run("create", tmp.Combine("l"), "--level", "1", "--disks", "2", "--disk-size", "4M", "--layout", "left-symmetric").Fails(2, "--layout is for RAID 5");
    }

    [TestMethod]
    public void Spares_are_bounded()
    {
        using var tmp = new TempFolder();
        Cli.Run("create", tmp.Combine("s"), "--level", "1", "--disks", "2", "--disk-size", "2M", "--spares", "100000").Fails(2, "--spares must be 0 to 64");
        Assert.IsFalse(Directory.Exists(tmp.Combine("s")));
    }

    [TestMethod]
    public void A_name_with_a_newline_is_rejected()
    {
        using var tmp = new TempFolder();
        Cli.Run("create", tmp.Combine("n"), "--level", "1", "--disks", "2", "--disk-size", "2M", "--name", "two\nlines").Fails(2, "line break");
    }

    [TestMethod]
    public void Version_and_help_of_one_verb_do_not_list_every_verb()
    {
        var version = Cli.Run("version").Ok().Out;
        Assert.AreEqual(1, version.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, version);
        StringAssert.StartsWith(version, "raidemu ");
        var help = Cli.Run("help", "status").Ok().Out;
        StringAssert.Contains(help, "Print one JSON document");
        Assert.IsFalse(help.Contains("examine", StringComparison.Ordinal), help);
    }

    [TestMethod]
    public void A_failed_arrays_status_does_not_suggest_rebuild()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("f");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "2M", "--chunk", "64K", "--assume-clean").Ok();
        Cli.Run("fail", array, "--disk", "0").Ok();
        Cli.Run("add", array).Ok(); // recovery pending onto disk 3
        Cli.Run("fail", array, "--disk", "1").Ok(); // now failed, with a recovery it can never finish
        var status = Cli.Run("status", array);
        StringAssert.Contains(status.Out, "state:      failed");
        Assert.IsFalse(status.Out.Contains("raidemu rebuild", StringComparison.Ordinal), status.Out);
    }

    [TestMethod]
    public void Check_json_on_a_terminal_prints_only_json()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("j");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "8M", "--chunk", "64K", "--assume-clean").Ok();
        string dll = Path.Combine(AppContext.BaseDirectory, "raidemu.dll");
        foreach (string verb in new[] { "check", "repair" })
        {
            // script(1) gives raidemu a terminal as stdout, as a user's shell would.
            var info = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { "-qec", $"dotnet {dll} {verb} {array} --json", "/dev/null" })
            {
                info.ArgumentList.Add(a);
            }

            Process process;
            try
            {
                process = Process.Start(info)!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                Assert.Inconclusive("script(1) from util-linux is not installed");
                return;
            }

            using (process)
            {
                // .NET itself switches a terminal's keypad mode on (ESC[?1h ESC=): not output of raidemu's.
                string output = System.Text.RegularExpressions.Regex.Replace(process.StandardOutput.ReadToEnd(), @"\e\[\?1[hl]|\e[=>]", "");
                process.WaitForExit();
                Assert.AreEqual(0, process.ExitCode, output);
                StringAssert.StartsWith(output.TrimStart(), "{", output);
                Assert.IsFalse(output.Contains('%', StringComparison.Ordinal), output);
            }
        }
    }
}
