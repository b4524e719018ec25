using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>mount refuses places it would hide or loop into, and the mounted image acts as a one-file file system.</summary>
[TestClass]
[DoNotParallelize]
public sealed class MountHardeningTests
{
    [TestMethod]
    public void MountOverANonEmptyDirectory_OrInsideTheArray_IsRefusedBeforeMounting()
    {
        Tools.RequireRootAndFuse();
        using var tmp = new TempFolder();
        string array = NbdHardeningTests.Create(tmp, "m");
        string full = tmp.Combine("full");
        Directory.CreateDirectory(full);
        File.WriteAllText(Path.Combine(full, "keep.txt"), "mine");
        string inside = Path.Combine(array, "mnt");
        Directory.CreateDirectory(inside);

        Cli.Run("mount", array, full).Fails(2, "not empty");
        Cli.Run("mount", array, array).Fails(2, "inside the array folder");
        Cli.Run("mount", array, inside).Fails(2, "inside the array folder");
        Cli.Run("mount", array, inside, "--foreground").Fails(2, "inside the array folder");
        string link = tmp.Combine("link");
        Directory.CreateSymbolicLink(link, array);
        Cli.Run("mount", array, Path.Combine(link, "mnt")).Fails(2, "inside the array folder");

        string mounts = File.ReadAllText("/proc/self/mountinfo");
        Assert.IsFalse(mounts.Contains("raidemu:" + array, StringComparison.Ordinal), mounts);
        Assert.AreEqual("mine", File.ReadAllText(Path.Combine(full, "keep.txt")));
        Cli.Run("stop", array).Fails(1, "no process is serving");
        Cli.Run("unmount", inside).Fails(1, "not a raidemu mount");
        Cli.Run("unmount", array).Fails(1, "not a raidemu mount");
    }

    [TestMethod]
    public void TheImage_CannotBeChmoddedChownedRemovedOrJoined()
    {
        Tools.RequireRootAndFuse();
        using var tmp = new TempFolder();
        string array = NbdHardeningTests.Create(tmp, "ops");
        string mnt = tmp.Combine("mnt");
        Directory.CreateDirectory(mnt);
        using var server = Server.Mount(array, mnt);
        string image = Path.Combine(mnt, "ops.img");
        Assert.IsTrue(File.Exists(image));

        AssertRefused("/bin/chmod", "Operation not permitted", "600", image);
        AssertRefused("/bin/chown", "Operation not permitted", "65534", image);
        AssertRefused("/bin/rm", "Operation not permitted", "-f", image);
        AssertRefused("/bin/mv", "Operation not permitted", image, Path.Combine(mnt, "other.img"));
        AssertRefused("/usr/bin/touch", "Permission denied", Path.Combine(mnt, "new.txt"));
        AssertRefused("/bin/mkdir", "Permission denied", Path.Combine(mnt, "dir"));
        Assert.IsTrue(File.Exists(image));
        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(image));
    }

    private static void AssertRefused(string program, string expected, params string[] args)
    {
        var (code, output) = Tools.Run(program, args);
        Assert.AreNotEqual(0, code, $"{program} {string.Join(' ', args)} succeeded");
        StringAssert.Contains(output, expected);
    }
}
