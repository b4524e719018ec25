using RaidEmu.Core.Md;
using RaidEmu.Core.Md.Raid5;

namespace RaidEmu.Core.Tests.Md.Raid5;

/// <summary>Writes to a RAID 5 whose parity resync has not reached yet, as after every unclean stop.</summary>
[TestClass]
public sealed class DirtyArrayTests
{
    [TestMethod]
    [DataRow(Raid5Algorithm.LeftSymmetric)]
    [DataRow(Raid5Algorithm.RightAsymmetric)]
    public void SmallWriteBeyondResyncPoint_SurvivesTheLossOfItsMember(Raid5Algorithm algorithm)
    {
        // Five members: a one-chunk write reads less by read-modify-write (chunk and parity) than by reconstruct-write (three chunks).
        using var array = TestArrays.Raid5(out var devices, disks: 5, chunk: 16384, algorithm: algorithm, assumeClean: false);
        TestArrays.Scramble(devices, seed: 5);
        Assert.AreEqual(0L, array.SyncedUpTo, "nothing is resynced yet");

        // 4 KiB into the second data chunk of stripe 2: read-modify-write would fold the random parity into the new one.
        long stripe = 2;
        long offset = (stripe * 4 * 16384) + 16384 + 4096;
        var data = TestArrays.RandomBytes(4096, 77);
        array.Write(offset, data);

        array.Fail(Raid5Layout.DataMember(algorithm, stripe, 1, 5));
        var back = new byte[data.Length];
        array.Read(offset, back);
        CollectionAssert.AreEqual(data, back, "a degraded read must return the acknowledged bytes");
    }

    [TestMethod]
    public void SmallWriteBelowResyncPoint_StillUsesFewerReads()
    {
        using var array = TestArrays.Raid5(out var devices, disks: 5, chunk: 16384, assumeClean: false);
        TestArrays.Scramble(devices, seed: 9);
        array.RunSync();
        long before = array.Members.Sum(m => m.BytesRead);

        array.Write(0, new byte[4096]);

        // Read-modify-write reads the old 4 KiB of data and of parity; reconstruct-write would read three chunks.
        Assert.AreEqual(2L * 4096, array.Members.Sum(m => m.BytesRead) - before);
    }
}
