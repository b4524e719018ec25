using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

[TestClass]
public sealed class NbdTests
{
    [TestMethod]
    public void NbdInfo_QemuIo_AndQemuImgCompare_SeeTheArray()
    {
        string nbdinfo = Tools.Require("nbdinfo", "libnbd-bin");
        string qemuIo = Tools.Require("qemu-io", "qemu-utils");
        string qemuImg = Tools.Require("qemu-img", "qemu-utils");
        using var tmp = new TempFolder();
        string array = tmp.Combine("nbd5");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "9M", "--chunk", "64K", "--name", "export5").Ok();
        using var server = Server.Serve(array);

        string info = Tools.Ok(nbdinfo, server.Uri);
        StringAssert.Contains(info, "export-size: 25165824");
        StringAssert.Contains(Tools.Ok(nbdinfo, "--list", server.Uri), "export=\"export5\"");

        Tools.Ok(qemuIo, "-f", "raw", "-c", "write -P 0xab 0 1M", "-c", "write -P 0x5c 5000000 300k", server.Uri);
        Tools.Ok(qemuIo, "-f", "raw", "-c", "read -P 0xab 0 1M", "-c", "read -P 0x5c 5000000 300k", server.Uri);

        // WRITE_ZEROES and TRIM: zeroed bytes read back as zeros, a discard is accepted.
        Tools.Ok(qemuIo, "-f", "raw", "-c", "write -z 5000000 64k", "-c", "read -P 0 5000000 64k", "-c", "discard 0 64k", server.Uri);
        Tools.Ok(qemuIo, "-f", "raw", "-c", "read -P 0x5c 5065536 200k", server.Uri);

        // The CLI reaches the live array through its control socket; its read must match the export byte for byte.
        string copy = tmp.Combine("copy.img");
        Cli.Run("read", array, "--output", copy).Ok();
        StringAssert.Contains(Tools.Ok(qemuImg, "compare", "-f", "raw", "-F", "raw", server.Uri, copy), "Images are identical");
        var bytes = File.ReadAllBytes(copy);
        Assert.IsTrue(bytes.AsSpan(0, 1 << 20).IndexOfAnyExcept((byte)0xab) < 0);
    }

    [TestMethod]
    public void Fio_VerifiesWhileAMemberIsFailedAndRebuilt()
    {
        string fio = Tools.Require("fio", "fio");
        using var tmp = new TempFolder();
        string array = tmp.Combine("fio5");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "33M", "--chunk", "64K").Ok();
        using var server = Server.Serve(array);

        var io = Task.Run(() => Tools.Run(fio, "--name=verify", "--ioengine=nbd", $"--uri={server.Uri}", "--rw=randwrite", "--bs=4k",
            "--iodepth=4", "--numjobs=3", "--size=24M", "--offset_increment=30M", "--verify=crc32c", "--verify_fatal=1",
            "--do_verify=1", "--group_reporting"));
        Thread.Sleep(300);
        Cli.Run("fail", array, "--disk", "1").Ok();
        Cli.Run("remove", array, "--disk", "1").Ok();
        Cli.Run("add", array).Ok();
        Cli.Run("rebuild", array, "--wait").Ok();
        var (code, output) = io.Result;
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "err= 0");

        var status = JsonDocument.Parse(Cli.Run("status", array, "--json").Ok().Out).RootElement;
        Assert.AreEqual("optimal", status.GetProperty("state").GetString());
        StringAssert.Contains(Cli.Run("check", array).Ok().Out, "check: 0 mismatched sectors");
    }

    [TestMethod]
    public void KilledServer_LeavesADirtyArray_ThatResyncsWithNoFlushedWriteLost()
    {
        string qemuIo = Tools.Require("qemu-io", "qemu-utils");
        using var tmp = new TempFolder();
        string array = tmp.Combine("kill1");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "9M").Ok();
        var server = Server.Serve(array);
        try
        {
            // qemu-io sets FUA on writes and flushes at close: these writes are acknowledged and durable.
            Tools.Ok(qemuIo, "-f", "raw", "-c", "write -P 0x77 1M 2M", server.Uri);

            // md's safe mode marks an idle array clean within 200 ms: the kill lands while other writes are in
            // flight, so the array it leaves is dirty however slow the machine is.
            using (InFlightWriter.Start(qemuIo, server.Uri, array, "5M 2M"))
            {
                server.Kill();
            }
        }
        finally
        {
            server.Dispose();
        }

        var status = JsonDocument.Parse(Cli.Run("status", array, "--json").Ok().Out).RootElement;
        Assert.AreEqual("resyncing", status.GetProperty("state").GetString());
        Assert.IsTrue(status.GetProperty("dirty").GetBoolean());
        StringAssert.Contains(Cli.Run("rebuild", array).Ok().Out, "resync complete");
        string copy = tmp.Combine("after.img");
        Cli.Run("read", array, "--output", copy, "--offset", "1M", "--length", "2M").Ok();
        Assert.IsTrue(File.ReadAllBytes(copy).All(b => b == 0x77), "a flushed write was lost");
    }

    [TestMethod]
    public void ControlSocket_IsOwnerOnly_AndRefusesOtherUsers()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("ctl");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        using var server = Server.Serve(array);
        var mode = File.GetUnixFileMode(Path.Combine(array, ".control"));
        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);

        string setpriv = Tools.Require("setpriv", "util-linux");
        string[] asNobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "/usr/bin/dotnet"];
        // A copy of the command in the test's own folder, in case the checkout lies in a private directory.
        string copy = tmp.Combine("cli");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        string dll = Path.Combine(copy, "raidemu.dll");
        if (Tools.Run(asNobody[0], [.. asNobody[1..], dll, "--help"]).Code != 0)
        {
            Assert.Inconclusive($"user nobody cannot run {dll} here (a folder on its path is private)");
        }

        var (code, output) = Tools.Run(asNobody[0], [.. asNobody[1..], dll, "fail", array, "--disk", "0"]);
        Assert.AreEqual(1, code, output);
        StringAssert.Contains(output, "not allowed to use the control socket");
        StringAssert.Contains(Cli.Run("status", array).Ok().Out, "state:      optimal");
    }

    [TestMethod]
    public void StopWithoutAServer_AndASecondServer_AreRefused()
    {
        using var tmp = new TempFolder();
        string array = tmp.Combine("twice");
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "2M", "--assume-clean").Ok();
        Cli.Run("stop", array).Fails(1, "no process is serving");
        using var server = Server.Serve(array);
        Cli.Run("serve", array, "--listen", "127.0.0.1:0", "--foreground").Fails(1, $"in use by process {server.Pid}");
    }
}
