using System.Diagnostics;
using System.Text.Json;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

[TestClass]
public sealed class SafeModeTests
{
    [TestMethod]
    public void PowerLoss_OnAnIdleServedArray_NeedsNoResync()
    {
        string qemuIo = Tools.Require("qemu-io", "qemu-utils");
        using var tmp = new TempFolder();
        string array = tmp.Combine("idle");
        Cli.Run("create", array, "--level", "5", "--disks", "4", "--disk-size", "9M", "--chunk", "64K").Ok();
        using var server = Server.Serve(array);
        Tools.Ok(qemuIo, "-f", "raw", "-c", "write -P 0x42 0 4M", server.Uri);

        // md's safe mode: 200 ms after the last write the array is clean again.
        var watch = Stopwatch.StartNew();
        while (StoryTests.Status(array).GetProperty("dirty").GetBoolean())
        {
            Assert.IsTrue(watch.Elapsed < TimeSpan.FromSeconds(5), "the served array stayed dirty while idle");
            Thread.Sleep(50);
        }

        StringAssert.Contains(Cli.Run("psu", "outage", array, "--ms", "30").Ok().Out, "ArrayRestarted");
        var status = StoryTests.Status(array);
        Assert.AreEqual("optimal", status.GetProperty("state").GetString());
        Assert.IsFalse(status.TryGetProperty("resync", out var resync) && resync.ValueKind != JsonValueKind.Null, "an idle array needs no resync after a power loss");
        var types = JsonDocument.Parse(Cli.Run("events", array, "--json").Ok().Out).RootElement.EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();
        int lost = types.IndexOf("ArrayPowerLost");
        Assert.IsTrue(types.IndexOf("ArrayDirty") < types.IndexOf("ArrayClean") && types.IndexOf("ArrayClean") < lost, string.Join(", ", types));
        Assert.AreEqual(-1, types.FindIndex(lost, t => t == "ResyncStarted"), string.Join(", ", types));
        Tools.Ok(qemuIo, "-f", "raw", "-c", "read -P 0x42 0 4M", server.Uri);
    }
}
