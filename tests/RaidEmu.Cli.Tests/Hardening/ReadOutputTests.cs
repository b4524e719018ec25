using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>read --output: standard output for pipes, /dev/null shared, and a file in use left alone.</summary>
[TestClass]
public sealed class ReadOutputTests
{
    private const int VolumeBytes = 2 * 1024 * 1024; // 3 disks of 2 MiB, chunk 64K: 2 × 1 MiB of data

    [TestMethod]
    public void A_dash_writes_the_bytes_to_standard_output_and_the_summary_to_standard_error()
    {
        using var tmp = new TempFolder();
        string array = Filled(tmp, out var data);

        using var process = Cli.Start("read", array, "--output", "-", "--offset", "4096", "--length", "1000000");
        using var bytes = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(bytes);
        Assert.IsTrue(process.WaitForExit(60_000), "raidemu read did not finish");

        Assert.AreEqual(0, process.ExitCode, stderr.Result);
        CollectionAssert.AreEqual(data.Skip(4096).Take(1_000_000).ToArray(), bytes.ToArray());
        Assert.IsFalse(File.Exists(Path.Combine(Environment.CurrentDirectory, "-")), "no file named '-' is made");
        StringAssert.Contains(stderr.Result, "read 1000000 bytes from offset 4096 into standard output");
    }

    [TestMethod]
    public void A_reader_that_goes_away_ends_the_read_with_an_error()
    {
        using var tmp = new TempFolder();
        string array = Filled(tmp, out _);

        using var process = Cli.Start("read", array, "--output", "-");
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.AreNotEqual(-1, process.StandardOutput.BaseStream.ReadByte());
        process.StandardOutput.BaseStream.Close(); // as `| head -c 1` does
        Assert.IsTrue(process.WaitForExit(60_000), "raidemu read did not finish");

        Assert.AreEqual(1, process.ExitCode, stderr.Result);
        Assert.AreEqual("raidemu: Broken pipe", stderr.Result.Trim(), "one line, and no claim that every byte was read");
    }

    [TestMethod]
    public void Two_reads_may_write_into_dev_null_at_once()
    {
        using var tmp = new TempFolder();
        string array = Filled(tmp, out _);

        // What a second raidemu read holds on /dev/null while it runs: a shared lock.
        using (new FileStream("/dev/null", FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            StringAssert.Contains(Cli.Run("read", array, "--output", "/dev/null").Ok().Out, "read 2097152 bytes");
        }
    }

    [TestMethod]
    public void A_file_in_use_is_never_emptied_not_even_a_member_of_the_array_read()
    {
        using var tmp = new TempFolder();
        string array = Filled(tmp, out var data);
        string member = Path.Combine(array, "disk2.img");
        var before = File.ReadAllBytes(member);

        Cli.Run("read", array, "--output", member, "--length", "1M").Fails(1, "being used by another process");

        CollectionAssert.AreEqual(before, File.ReadAllBytes(member), "the member disk is untouched");
        string output = tmp.Combine("out.bin");
        Cli.Run("read", array, "--output", output).Ok();
        CollectionAssert.AreEqual(data, File.ReadAllBytes(output));
    }

    private static string Filled(TempFolder tmp, out byte[] data)
    {
        string array = tmp.Combine("r");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "2M", "--chunk", "64K", "--assume-clean").Ok();
        data = new byte[VolumeBytes];
        new Random(7).NextBytes(data);
        string input = tmp.Combine("in.bin");
        File.WriteAllBytes(input, data);
        Cli.Run("write", array, "--input", input).Ok();
        return array;
    }
}
