using System.Diagnostics;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>add --file refuses what mdadm --add refuses (issue 14, item 2).</summary>
[TestClass]
public sealed class AddFileTests
{
    [TestMethod]
    public void An_active_members_own_file_is_refused_by_inode_not_by_name()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, "a");
        string link = tmp.Combine("other-name.img");
        File.CreateSymbolicLink(link, Path.Combine(array, "disk0.img"));
        Cli.Run("add", array, "--file", link).Fails(1, "already a member of array 'a'");
        Cli.Run("add", array, "--file", Path.Combine(array, "..", "a", "disk0.img")).Fails(1, "already a member");
        StringAssert.Contains(Cli.Run("status", array).Ok().Out, "state:      optimal");
        Assert.IsTrue(File.Exists(Path.Combine(array, "disk0.img")));
    }

    [TestMethod]
    public void A_directory_is_named_as_one()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, "a");
        string dir = tmp.Combine("somedir");
        Directory.CreateDirectory(dir);
        Cli.Run("add", array, "--file", dir).Fails(2, "somedir is a directory, not a member file");
        Assert.IsTrue(Directory.Exists(dir));
    }

    [TestMethod]
    public void Another_arrays_member_needs_force()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, "a");
        string other = Create(tmp, "b");
        string theirs = Path.Combine(other, "disk2.img");
        Cli.Run("add", array, "--file", theirs).Fails(1, "carries the md superblock of another array ('b'");
        Assert.IsTrue(File.Exists(theirs), "a refused file stays where it was");
        Cli.Run("stop", other); // not served: a no-op that must not matter
        StringAssert.Contains(Cli.Run("add", array, "--file", theirs, "--force").Ok().Out, "added as a hot spare");
    }

    [TestMethod]
    public void A_file_another_process_holds_is_refused()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, "a");
        string file = tmp.Combine("held.img");
        File.WriteAllBytes(file, new byte[4 * 1024 * 1024]);
        var info = new ProcessStartInfo("flock") { ArgumentList = { file, "sleep", "60" } };
        Process holder;
        try
        {
            holder = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Inconclusive("flock(1) from util-linux is not installed");
            return;
        }

        try
        {
            Thread.Sleep(500);
            Cli.Run("add", array, "--file", file).Fails(1, "in use by another process");
            Assert.IsTrue(File.Exists(file));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
            holder.Dispose();
        }

        StringAssert.Contains(Cli.Run("add", array, "--file", file).Ok().Out, "added as a hot spare");
    }

    [TestMethod]
    public void A_too_small_file_is_named_as_the_user_gave_it()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, "a");
        string file = tmp.Combine("tiny.img");
        File.WriteAllBytes(file, new byte[1024 * 1024]);
        Cli.Run("add", array, "--file", file).Fails(2, $"{file} is 1048576 bytes");
        Assert.IsTrue(File.Exists(file));
    }

    private static string Create(TempFolder tmp, string name)
    {
        string array = tmp.Combine(name);
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "4M", "--chunk", "64K", "--assume-clean").Ok();
        return array;
    }
}
