using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>write --input: files, pipes and endless devices, checked before a byte is written.</summary>
[TestClass]
public sealed class WriteInputTests
{
    private const int VolumeBytes = 2 * 1024 * 1024; // 3 disks of 2 MiB, chunk 64K: 2 × 1 MiB of data

    [TestMethod]
    public void A_too_long_file_is_refused_before_a_byte_is_written()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp);
        var before = Fill(tmp, array, 0x5a);
        string big = tmp.Combine("big.bin");
        File.WriteAllBytes(big, Enumerable.Repeat((byte)0x11, VolumeBytes + 1).ToArray());
        Cli.Run("write", array, "--input", big).Fails(2, "runs past the end");
        CollectionAssert.AreEqual(before, ReadAll(tmp, array), "nothing may be written");
    }

    [TestMethod]
    public void A_pipe_streams_to_its_end()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp);
        var data = Random(VolumeBytes - 4096);
        Cli.Pipe(data, "write", array, "--input", "-").Ok();
        CollectionAssert.AreEqual(data, ReadAll(tmp, array).Take(data.Length).ToArray());

        var again = Random(100_000);
        StringAssert.Contains(Cli.Pipe(again, "write", array, "--input", "/dev/stdin", "--offset", "4096").Ok().Out, "wrote 100000 bytes");
        CollectionAssert.AreEqual(again, ReadAll(tmp, array).Skip(4096).Take(again.Length).ToArray());
    }

    [TestMethod]
    public void A_pipe_stops_at_the_length_asked_for()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp);
        var data = Random(300_000);
        StringAssert.Contains(Cli.Pipe(data, "write", array, "--input", "-", "--length", "100000").Ok().Out, "wrote 100000 bytes");
        CollectionAssert.AreEqual(data.Take(100_000).ToArray(), ReadAll(tmp, array).Take(100_000).ToArray());
    }

    [TestMethod]
    public void A_pipe_running_past_the_end_fails_with_exit_1()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp);
        var data = Random(VolumeBytes + 65536);
        Cli.Pipe(data, "write", array, "--input", "-").Fails(1, "runs past the end of the array");
    }

    [TestMethod]
    public void An_endless_device_needs_a_length()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp);
        var before = Fill(tmp, array, 0x77);
        Cli.Run("write", array, "--input", "/dev/zero").Fails(2, "give --length");
        Cli.Run("write", array, "--input", "/dev/urandom").Fails(2, "give --length");
        CollectionAssert.AreEqual(before, ReadAll(tmp, array), "nothing may be written");
        Cli.Run("write", array, "--input", "/dev/zero", "--length", "3M").Fails(2, "runs past the end");

        StringAssert.Contains(Cli.Run("write", array, "--input", "/dev/zero", "--length", "64K", "--offset", "64K").Ok().Out, "wrote 65536 bytes");
        var after = ReadAll(tmp, array);
        Assert.IsTrue(after.Skip(65536).Take(65536).All(b => b == 0));
        Assert.IsTrue(after.Take(65536).All(b => b == 0x77));
    }

    [TestMethod]
    public void A_directory_is_named_as_one() =>
        Cli.Run("write", "whatever", "--input", Path.GetTempPath()).Fails(2, "is a directory");

    private static string Create(TempFolder tmp)
    {
        string array = tmp.Combine("w");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "2M", "--chunk", "64K", "--assume-clean").Ok();
        return array;
    }

    private static byte[] Fill(TempFolder tmp, string array, byte value)
    {
        string fill = tmp.Combine("fill.bin");
        File.WriteAllBytes(fill, Enumerable.Repeat(value, VolumeBytes).ToArray());
        Cli.Run("write", array, "--input", fill).Ok();
        return ReadAll(tmp, array);
    }

    private static byte[] ReadAll(TempFolder tmp, string array)
    {
        string output = tmp.Combine("out.bin");
        Cli.Run("read", array, "--output", output).Ok();
        return File.ReadAllBytes(output);
    }

    private static byte[] Random(int n)
    {
        var data = new byte[n];
        System.Random.Shared.NextBytes(data);
        return data;
    }
}
