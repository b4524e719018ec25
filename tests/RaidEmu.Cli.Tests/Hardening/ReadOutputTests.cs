using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>read --output: standard output for pipes, and an output another process has open as well.</summary>
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
    public void An_output_another_process_holds_open_is_written_all_the_same()
    {
        using var tmp = new TempFolder();
        string array = Filled(tmp, out var data);
        string output = tmp.Combine("shared.bin");

        // What a second raidemu read (or dd) into the same file holds: before, read locked its output exclusively,
        // and two reads into /dev/null at once failed with "being used by another process".
        using (new FileStream(output, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            Cli.Run("read", array, "--output", output).Ok();
        }

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
