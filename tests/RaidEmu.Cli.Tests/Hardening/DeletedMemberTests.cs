using RaidEmu.Cli.Tests.Live;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>A member file deleted while the array is served is a lost disk, noticed at flush and at stop (issue 14, item 3).</summary>
[TestClass]
public sealed class DeletedMemberTests
{
    [TestMethod]
    public void A_flush_fails_the_deleted_member_and_a_spare_takes_over()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, spares: 1);
        string data = Data(tmp);
        using (Server.Serve(array))
        {
            Cli.Run("write", array, "--input", data).Ok();
            File.Delete(Path.Combine(array, "disk1.img"));
            Cli.Run("write", array, "--input", data, "--offset", "1M").Ok(); // write ends with a flush
            var status = Cli.Run("status", array).Ok().Out;
            StringAssert.Contains(status, "disk1.img", status);
            StringAssert.Matches(status, new System.Text.RegularExpressions.Regex(@"1\s+-?\s*faulty"));
        }

        StringAssert.Contains(Cli.Run("events", array).Ok().Out, "disk1.img was deleted while in use");
    }

    [TestMethod]
    public void Stop_fails_the_deleted_member_before_marking_the_array_clean()
    {
        using var tmp = new TempFolder();
        string array = Create(tmp, spares: 0);
        string data = Data(tmp);
        using (Server.Serve(array))
        {
            Cli.Run("write", array, "--input", data).Ok();
            File.Delete(Path.Combine(array, "disk2.img"));
        }

        StringAssert.Contains(Cli.Run("events", array).Ok().Out, "disk2.img was deleted while in use");
        StringAssert.Contains(Cli.Run("status", array).Ok().Out, "state:      degraded");
        string back = tmp.Combine("back.bin");
        Cli.Run("read", array, "--output", back, "--length", "1M").Ok();
        CollectionAssert.AreEqual(File.ReadAllBytes(data), File.ReadAllBytes(back));
    }

    private static string Create(TempFolder tmp, int spares)
    {
        string array = tmp.Combine("s");
        Cli.Run("create", array, "--level", "5", "--disks", "3", "--disk-size", "4M", "--chunk", "64K", "--spares", spares.ToString(System.Globalization.CultureInfo.InvariantCulture), "--assume-clean").Ok();
        return array;
    }

    private static string Data(TempFolder tmp)
    {
        string data = tmp.Combine("d.bin");
        var bytes = new byte[1024 * 1024];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(data, bytes);
        return data;
    }
}
