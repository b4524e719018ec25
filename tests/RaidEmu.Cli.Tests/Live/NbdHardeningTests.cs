using System.Buffers.Binary;
using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>Clients that break the NBD protocol, or the array under them, lose their own connection and nothing else.</summary>
[TestClass]
public sealed class NbdHardeningTests
{
    [TestMethod]
    public void GoWithAHugeNameLength_EndsThatConnectionOnly_AndStopWorks()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, "go");
        using var server = Server.Serve(array);

        using (var bad = RawNbd.Connect(server.Port))
        {
            var data = new byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(data, 0xFFFFFFF0);
            bad.SendOption(RawNbd.OptGo, data);
            var (type, _) = bad.ReadOptionReply(RawNbd.OptGo);
            Assert.AreEqual(RawNbd.RepErrInvalid, type);
        }

        WriteAndReadBack(server.Port, 4096, 0x5a);
        server.Stop();
        AssertCleanLog(array);
    }

    [TestMethod]
    public void GoDeclaringInfoRequestsItDoesNotSend_IsRejected()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, "info");
        using var server = Server.Serve(array);
        using var client = RawNbd.Connect(server.Port);
        var data = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(4), 60_000);
        client.SendOption(RawNbd.OptGo, data);
        var (type, _) = client.ReadOptionReply(RawNbd.OptGo);
        Assert.AreEqual(RawNbd.RepErrInvalid, type);

        // The connection is still in the handshake and can choose the export properly.
        client.Go();
        client.Write(0, new byte[512]);
    }

    [TestMethod]
    public void SigtermAfterAMalformedClient_StopsCleanly()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, "term");
        var server = Server.Serve(array);
        try
        {
            WriteAndReadBack(server.Port, 65536, 0x3c);
            using (var bad = RawNbd.Connect(server.Port))
            {
                var data = new byte[8];
                BinaryPrimitives.WriteUInt32BigEndian(data, 0xFFFFFFF0);
                bad.SendOption(RawNbd.OptGo, data);
                bad.ClosedByServer(TimeSpan.FromSeconds(2));
            }

            Tools.Ok("/bin/kill", "-TERM", server.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.IsTrue(server.WaitForExit(TimeSpan.FromSeconds(30)), "the server did not end on SIGTERM");
        }
        finally
        {
            server.Dispose();
        }

        Assert.IsFalse(File.Exists(Path.Combine(array, ".control")), "the control socket was left behind");
        StringAssert.Contains(File.ReadAllText(Path.Combine(array, "serve.log")), "stopped: array flushed and marked clean");
        AssertCleanLog(array);
        var status = JsonDocument.Parse(Cli.Run("status", array, "--json").Ok().Out).RootElement;
        Assert.IsFalse(status.GetProperty("dirty").GetBoolean(), "SIGTERM left the array dirty");

        // The lock is free: an offline change goes through.
        Cli.Run("fail", array, "--disk", "1").Ok();
    }

    [TestMethod]
    public void PowerOutageWhileAClientWrites_EndsItsConnection_AndStopWorks()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, "outage");
        using var server = Server.Serve(array);
        using var writing = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            // Writes until the server drops the connection at the outage.
            try
            {
                using var client = RawNbd.Open(server.Port);
                var block = new byte[65536];
                for (long i = 0; !writing.IsCancellationRequested; i++)
                {
                    ulong cookie = client.SendRequest(RawNbd.CmdWrite, (ulong)((i * 4 + w) % 100 * 65536), 65536, block);
                    client.ReadReply(cookie);
                }
            }
            catch (IOException)
            {
            }
        })).ToArray();
        Thread.Sleep(300);
        Cli.Run("psu", "outage", array, "--ms", "30").Ok();
        Thread.Sleep(300);
        writing.Cancel();
        Assert.IsTrue(Task.WaitAll(writers, TimeSpan.FromSeconds(30)), "a writer hung after the outage");
        server.Stop();
        AssertCleanLog(array);
    }

    [TestMethod]
    public void ReadOnlyExport_AdvertisesNoWrites_AndRefusesTheWriteCommand()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, "ro");
        using var server = Server.Serve(array, "--read-only");
        using var client = RawNbd.Open(server.Port);
        Assert.AreNotEqual(0, client.Flags & RawNbd.FlagReadOnly);
        Assert.AreEqual(0, client.Flags & (RawNbd.FlagSendTrim | RawNbd.FlagSendWriteZeroes | RawNbd.FlagSendFua), $"flags {client.Flags:x}");

        string input = tmp.Combine("in.bin");
        File.WriteAllBytes(input, Enumerable.Repeat((byte)0xee, 4096).ToArray());
        Cli.Run("write", array, "--input", input).Fails(1, "read-only");
        Assert.IsTrue(client.Read(0, 4096).All(b => b == 0), "a read-only export was written");
    }

    [TestMethod]
    public void ASecondServe_LeavesTheRunningServersLogAlone()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, "log");
        using var server = Server.Serve(array);
        string log = Path.Combine(array, "serve.log");
        string before = File.ReadAllText(log);
        StringAssert.Contains(before, $"(pid {server.Pid})");
        Cli.Run("serve", array, "--listen", "127.0.0.1:0").Fails(1, $"in use by process {server.Pid}");
        Assert.AreEqual(before, File.ReadAllText(log));
        WriteAndReadBack(server.Port, 4096, 0x42);
    }

    [TestMethod]
    public void RelativePaths_AreTheClients()
    {
        using var tmp = new TempFolder();
        Create(tmp, "s5");
        string sub = tmp.Combine("sub");
        Directory.CreateDirectory(sub);
        string ready = Cli.RunIn(tmp.Path, "serve", "s5", "--listen", "127.0.0.1:0").Ok().Out;
        try
        {
            StringAssert.Contains(Cli.RunIn(sub, "status", "../s5").Ok().Out, "state:      optimal");
            File.WriteAllBytes(Path.Combine(sub, "in.bin"), new byte[4096]);
            StringAssert.Contains(Cli.RunIn(sub, "write", "../s5", "--input", "in.bin").Ok().Out, "wrote 4096 bytes");
        }
        finally
        {
            Cli.RunIn(sub, "stop", "../s5").Ok();
        }

        StringAssert.Contains(ready, "serving");
    }

    [TestMethod]
    public void ServeOnASocketPathTooLong_SaysSoInOneLine()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, "sock");
        string path = "/tmp/" + new string('s', 115);
        Cli.Run("serve", array, "--socket", path).Fails(2, "--socket");
        Cli.Run("serve", array, "--socket", path, "--foreground").Fails(2, "--socket");
    }

    [TestMethod]
    public void ReadingAnArrayOnAReadOnlyFileSystem_Works()
    {
        if (Environment.UserName != "root")
        {
            Assert.Inconclusive("needs root (a read-only bind mount)");
        }

        using var tmp = new TempFolder();
        string array = Create(tmp, "a");
        string input = tmp.Combine("in.bin");
        var data = new byte[300_000];
        new Random(7).NextBytes(data);
        File.WriteAllBytes(input, data);
        Cli.Run("write", array, "--input", input, "--offset", "4096").Ok();
        string ro = Path.Combine(Path.GetTempPath(), "raidemu-ro-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(ro);
        try
        {
            Tools.Ok("/usr/bin/mount", "--bind", tmp.Path, ro);
            try
            {
                Tools.Ok("/usr/bin/mount", "-o", "remount,bind,ro", ro);
                string output = tmp.Combine("out.bin");
                Cli.Run("read", Path.Combine(ro, "a"), "--output", output, "--offset", "4096", "--length", "300000").Ok();
                CollectionAssert.AreEqual(data, File.ReadAllBytes(output));
                StringAssert.Contains(Cli.Run("status", Path.Combine(ro, "a")).Ok().Out, "state:      optimal");
            }
            finally
            {
                Tools.Run("/usr/bin/umount", ro);
            }
        }
        finally
        {
            Directory.Delete(ro);
        }
    }

    internal static string Create(TempFolder tmp, string name)
    {
        string array = tmp.Combine(name);
        Cli.Run("create", array, "--level", "1", "--disks", "2", "--disk-size", "9M", "--assume-clean").Ok();
        return array;
    }

    /// <summary>A fresh connection writes a block and reads the same bytes back.</summary>
    internal static void WriteAndReadBack(int port, int length, byte value)
    {
        using var client = RawNbd.Open(port);
        var block = Enumerable.Repeat(value, length).ToArray();
        client.Write(1 << 20, block, fua: true);
        CollectionAssert.AreEqual(block, client.Read(1 << 20, length));
        client.Disconnect();
    }

    internal static void AssertCleanLog(string array)
    {
        string log = File.ReadAllText(Path.Combine(array, "serve.log"));
        Assert.IsFalse(log.Contains("   at ", StringComparison.Ordinal), $"stack trace in serve.log:\n{log}");
        Assert.IsFalse(log.Contains("internal error", StringComparison.Ordinal), $"serve.log:\n{log}");
    }
}
