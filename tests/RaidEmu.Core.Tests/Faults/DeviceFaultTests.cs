using RaidEmu.Core.Devices;
using RaidEmu.Core.Faults;
using static RaidEmu.Core.Tests.Faults.FaultDeviceRig;

namespace RaidEmu.Core.Tests.Faults;

/// <summary>Slow, hung, flaky, vanishing and dying disks, on a clock that moves only when the device waits.</summary>
[TestClass]
public sealed class DeviceFaultTests
{
    [TestMethod]
    public void Slow_EveryIoWaitsTheLatencyPlusSeededJitter_AndTheBandwidthCapQueuesTransfers()
    {
        using var rig = new FaultDeviceRig();
        rig.Faults.Add(new Fault { Disk = 2, Kind = FaultKind.Slow, LatencyMs = 10, JitterMs = 5, Seed = 3 });
        var waits = new List<double>();
        for (int i = 0; i < 20; i++)
        {
            var before = rig.Clock.Elapsed;
            CollectionAssert.AreEqual(rig.Expected(At(i), 512), rig.Read(At(i), 512));
            waits.Add((rig.Clock.Elapsed - before).TotalMilliseconds);
        }

        Assert.IsTrue(waits.All(w => w is >= 10 and < 15.01), string.Join(", ", waits));
        Assert.IsGreaterThan(1, waits.Distinct().Count(), "the jitter varies from I/O to I/O");

        using var capped = new FaultDeviceRig();
        capped.Faults.Add(new Fault { Disk = 2, Kind = FaultKind.Slow, BytesPerSecond = 1024 * 1024 });
        for (int i = 0; i < 4; i++)
        {
            capped.Write(At(i * 256), Pattern(128 * 1024, 1));
        }

        Assert.AreEqual(0.5, capped.Clock.Elapsed.TotalSeconds, 0.01, "512 KiB at 1 MiB/s");
        CollectionAssert.AreEqual(capped.Model, capped.Media.Bytes.ToArray());
    }

    [TestMethod]
    public void Slow_TheSameSeedWaitsTheSameTimes()
    {
        TimeSpan Run(long seed)
        {
            using var rig = new FaultDeviceRig();
            rig.Faults.Add(new Fault { Disk = 2, Kind = FaultKind.Slow, JitterMs = 50, Seed = seed });
            for (int i = 0; i < 10; i++)
            {
                rig.Read(At(i), 512);
            }

            return rig.Clock.Elapsed;
        }

        Assert.AreEqual(Run(5), Run(5));
        Assert.AreNotEqual(Run(5), Run(6));
    }

    [TestMethod]
    public void Hang_AnIoInTheRangeWaitsItsDurationThenTimesOut_OthersDoNot()
    {
        using var rig = new FaultDeviceRig();
        rig.Faults.Add(new Fault { Disk = 2, Kind = FaultKind.Hang, FirstSector = 50, SectorCount = 10, DurationMs = 7000 });

        CollectionAssert.AreEqual(rig.Expected(At(0), 4096), rig.Read(At(0), 4096));
        Assert.AreEqual(TimeSpan.Zero, rig.Clock.Elapsed);
        Assert.ThrowsExactly<DeviceTimeoutException>(() => rig.Device.Write(At(48), Pattern(4096, 1)));
        Assert.AreEqual(7, rig.Clock.Elapsed.TotalSeconds, 0.001);
        CollectionAssert.AreEqual(rig.Model, rig.Media.Bytes.ToArray(), "the hung write never reached the media");
    }

    [TestMethod]
    public void Flaky_FailsAboutRateOfTheIosWithPlainIoErrors_TheSameOnesForTheSameSeed()
    {
        List<int> Failures(long seed)
        {
            using var rig = new FaultDeviceRig();
            rig.Faults.Add(new Fault { Disk = 2, Kind = FaultKind.Flaky, Rate = 0.25, Seed = seed });
            var failed = new List<int>();
            for (int i = 0; i < 400; i++)
            {
                try
                {
                    CollectionAssert.AreEqual(rig.Expected(At(i), 512), rig.Read(At(i), 512));
                }
                catch (IOException ex)
                {
                    Assert.AreEqual(typeof(IOException), ex.GetType(), "transient: neither a medium error nor a gone disk");
                    failed.Add(i);
                }
            }

            return failed;
        }

        var first = Failures(9);
        Assert.IsTrue(first.Count is > 60 and < 140, $"{first.Count} of 400 failed");
        CollectionAssert.AreEqual(first, Failures(9));
        CollectionAssert.AreNotEqual(first, Failures(10));
    }

    [TestMethod]
    public void Vanish_GoneForItsWindow_ThenBackWithTheFaultSpentAndReturnedRaised()
    {
        using var rig = new FaultDeviceRig();
        var returned = new List<Fault>();
        rig.Faults.Returned += (_, e) => returned.Add(e.Fault);
        var fault = rig.Faults.Add(new Fault { Disk = 2, Kind = FaultKind.Vanish, DurationMs = 5000, Added = rig.Clock.Time.GetUtcNow() });

        Assert.ThrowsExactly<DeviceGoneException>(() => rig.Read(0, 4096), "whole disk, superblock too");
        Assert.ThrowsExactly<DeviceGoneException>(() => rig.Device.Write(At(0), Pattern(512, 1)));
        Assert.ThrowsExactly<DeviceGoneException>(rig.Device.Flush);
        rig.Clock.Fake.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.ThrowsExactly<DeviceGoneException>(() => rig.Read(At(0), 512));
        Assert.IsEmpty(returned);

        // No I/O needed: md sends none to a member it failed, yet the member comes back on time.
        rig.Clock.Fake.Advance(TimeSpan.FromMilliseconds(1));
        Assert.HasCount(1, returned);
        Assert.AreEqual(fault.Id, returned[0].Id);
        Assert.IsEmpty(rig.Faults.Faults);
        CollectionAssert.AreEqual(rig.Model, rig.Read(0, Bytes));
    }

    [TestMethod]
    public void Vanish_AddedForLater_LeavesTheDiskUntilItsStart()
    {
        using var rig = new FaultDeviceRig();
        rig.Faults.Add(new Fault { Disk = 2, Kind = FaultKind.Vanish, DurationMs = 1000, Added = rig.Clock.Time.GetUtcNow().AddSeconds(10) });
        CollectionAssert.AreEqual(rig.Expected(0, 4096), rig.Read(0, 4096));
        rig.Clock.Fake.Advance(TimeSpan.FromSeconds(10));
        Assert.ThrowsExactly<DeviceGoneException>(() => rig.Read(0, 4096));
        rig.Clock.Fake.Advance(TimeSpan.FromSeconds(1));
        CollectionAssert.AreEqual(rig.Expected(0, 4096), rig.Read(0, 4096));
        Assert.IsEmpty(rig.Faults.Faults);
    }

    [TestMethod]
    public void FailAfter_LetsNWritesThrough_ThenEveryIoFailsForGood()
    {
        using var rig = new FaultDeviceRig();
        var fault = rig.Faults.Add(new Fault { Disk = 2, Kind = FaultKind.FailAfter, AfterWrites = 3 });
        for (int i = 0; i < 3; i++)
        {
            rig.Write(At(i), Pattern(512, (byte)i));
        }

        Assert.ThrowsExactly<DeviceGoneException>(() => rig.Device.Write(At(3), Pattern(512, 3)));
        CollectionAssert.AreEqual(rig.Model, rig.Media.Bytes.ToArray(), "the first three writes landed, the fourth did not");
        Assert.ThrowsExactly<DeviceGoneException>(() => rig.Read(0, 512), "reads fail too");
        Assert.ThrowsExactly<DeviceGoneException>(rig.Device.Flush);
        Assert.IsTrue(rig.Faults.Faults.Single(f => f.Id == fault.Id).Tripped, "tripped is kept in the set, so a reopened array finds the disk dead");
    }

    [TestMethod]
    public void FailAfter_ByBytes_CountsBytesWritten()
    {
        using var rig = new FaultDeviceRig();
        rig.Faults.Add(new Fault { Disk = 2, Kind = FaultKind.FailAfter, AfterBytes = 8192 });
        rig.Write(At(0), Pattern(4096, 1));
        rig.Write(At(8), Pattern(4096, 2));
        Assert.ThrowsExactly<DeviceGoneException>(() => rig.Device.Write(At(16), Pattern(512, 3)));
    }
}
