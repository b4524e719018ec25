using RaidEmu.Core.Devices;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Core.Tests.Md.Raid1;

[TestClass]
public sealed class Raid1Tests
{
    [TestMethod]
    public void EveryMemberFailure_ReadsBackIdentical_ThenRebuildsIdenticalMirrors()
    {
        for (int k = 0; k < 3; k++)
        {
            using var array = TestArrays.Raid1(out _);
            var expected = TestArrays.FillRandom(array, k);
            array.Fail(k);
            Assert.AreEqual(ArrayState.Degraded, array.State);
            CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array));

            var patch = TestArrays.RandomBytes(70_000, 40 + k);
            array.Write(300_001, patch);
            patch.CopyTo(expected, 300_001);

            array.Add(new MemoryBlockDevice(array.Members[0].Device.Length));
            array.RunSync();
            Assert.AreEqual(ArrayState.Optimal, array.State);
            TestArrays.AssertMirrorsIdentical(array);
            CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array));
        }
    }

    [TestMethod]
    public void Reads_AreBalancedAcrossEveryMirror()
    {
        using var array = TestArrays.Raid1(out _);
        TestArrays.FillRandom(array, 2);
        var before = array.Members.Select(m => m.BytesRead).ToArray();
        for (int i = 0; i < 30; i++)
        {
            array.Read(i * 4096L, new byte[4096]);
        }

        var members = array.Members;
        for (int i = 0; i < members.Count; i++)
        {
            Assert.IsTrue(members[i].BytesRead > before[i], $"mirror disk {i} served no reads");
        }
    }

    [TestMethod]
    public void Writes_ReachEveryMirrorBeforeCompleting()
    {
        using var array = TestArrays.Raid1(out var devices);
        var data = TestArrays.RandomBytes(10_000, 3);
        array.Write(5000, data);
        foreach (var device in devices)
        {
            var copy = new byte[data.Length];
            device.Read(TestArrays.DataOffset + 5000, copy);
            CollectionAssert.AreEqual(data, copy);
        }
    }

    [TestMethod]
    public void FailingTheLastInSyncMember_IsRefused()
    {
        using var array = TestArrays.Raid1(out _, disks: 2);
        var expected = TestArrays.FillRandom(array, 4);
        array.Fail(0);
        var error = Assert.ThrowsExactly<ArrayRefusedException>(() => array.Fail(1));
        StringAssert.Contains(error.Message, "last in-sync member");
        Assert.AreEqual(ArrayState.Degraded, array.State);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array));
    }

    [TestMethod]
    public void ReadError_OnOneMirror_IsServedByAnother()
    {
        using var array = TestArrays.Raid1(out var devices);
        var expected = TestArrays.FillRandom(array, 5);
        ((FaultyBlockDevice)devices[0]).FailNow();
        var got = new byte[array.Length];
        for (int offset = 0; offset < got.Length; offset += 4096)
        {
            array.Read(offset, got.AsSpan(offset, 4096));
        }

        CollectionAssert.AreEqual(expected, got);
        Assert.AreEqual(MemberState.Faulty, array.Members[0].State);
    }

    [TestMethod]
    public void Check_FindsADamagedCopy_RepairCopiesTheFirst()
    {
        using var array = TestArrays.Raid1(out var devices);
        var expected = TestArrays.FillRandom(array, 6);
        devices[2].Write(TestArrays.DataOffset + 65536, TestArrays.RandomBytes(4096, 7));
        Assert.AreEqual(8, array.Scrub(repair: false));
        Assert.AreEqual(8, array.Scrub(repair: true));
        Assert.AreEqual(0, array.Scrub(repair: false));
        TestArrays.AssertMirrorsIdentical(array);
        CollectionAssert.AreEqual(expected, TestArrays.ReadAll(array));
    }

    [TestMethod]
    public void InitialResync_CopiesTheFirstMember()
    {
        var devices = TestArrays.NewDevices(2, TestArrays.DataOffset + (256 * 1024));
        devices[1].Write(0, TestArrays.RandomBytes((int)devices[1].Length, 9));
        var options = new ArrayCreateOptions { Level = RaidLevel.Raid1, RaidDisks = 2, Name = "sync" };
        using var array = ArrayCreator.Create(options, TestArrays.Sources(devices), new RaidEmu.Core.Events.MemoryEventSink());
        array.RunSync();
        TestArrays.AssertMirrorsIdentical(array);
        Assert.AreEqual(0, array.Scrub(repair: false));
    }
}
