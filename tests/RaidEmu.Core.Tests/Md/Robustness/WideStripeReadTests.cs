namespace RaidEmu.Core.Tests.Md.Robustness;

/// <summary>
/// Raid5Personality.ReadSegment/ReconstructColumn track columns in an int bit mask (1 &lt;&lt; k): C# masks the
/// shift count to 5 bits, so column 32 shares column 0's bit. A RAID 5 of 34+ disks (MaxRaidDisks is 64).
/// </summary>
[TestClass]
public sealed class WideStripeReadTests
{
    [TestMethod]
    [DataRow(34)]
    [DataRow(40)]
    public void AWholeStripeReadOfAWideRaid5_ReturnsWhatWasWritten(int disks)
    {
        const int Chunk = 4096;
        using var array = TestArrays.Raid5(out _, disks: disks, chunk: Chunk, stripes: 2);
        var model = TestArrays.FillRandom(array, 5);

        var back = new byte[array.Length];
        back.AsSpan().Fill(0xEE);
        array.Read(0, back);

        int first = back.AsSpan().CommonPrefixLength(model);
        Assert.AreEqual(model.Length, first, $"{disks} disks: first wrong byte at {first} (data column {first % ((disks - 1) * Chunk) / Chunk})");
    }

    [TestMethod]
    public void ADegradedWholeStripeReadOfAWideRaid5_ReturnsWhatWasWritten()
    {
        const int Chunk = 4096;
        using var array = TestArrays.Raid5(out _, disks: 36, chunk: Chunk, stripes: 2);
        var model = TestArrays.FillRandom(array, 6);
        array.Fail(1);

        var back = new byte[array.Length];
        back.AsSpan().Fill(0xEE);
        array.Read(0, back);

        CollectionAssert.AreEqual(model, back);
    }
}
