namespace RaidEmu.Core.Tests.Md.Robustness;

/// <summary>
/// Raid5Personality.ReadSegment/ReconstructColumn track the columns a read has served in a bit mask. C# masks a
/// shift count to the operand's width, so a 32-bit mask gave column 32 column 0's bit: wide arrays (up to 64
/// disks) must read back what was written.
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
