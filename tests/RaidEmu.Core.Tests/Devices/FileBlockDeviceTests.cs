using RaidEmu.Core.Devices;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Devices;

// A member write reaches the host in pieces that end at multiples of FileBlockDevice.HostWriteBytes: every
// piece must land at its own offset, whatever the write's start and length, and nothing around it may move.
[TestClass]
public sealed class FileBlockDeviceTests
{
    [TestMethod]
    [DataRow(0, 1)]
    [DataRow(512, FileBlockDevice.HostWriteBytes)]
    [DataRow(FileBlockDevice.HostWriteBytes - 512, 1024)]
    [DataRow(3 * 4096, 5 * FileBlockDevice.HostWriteBytes + 4096)]
    [DataRow(FileBlockDevice.HostWriteBytes, 8 * FileBlockDevice.HostWriteBytes)]
    [DataRow(7 * 512, 3 * 1024 * 1024 - 7 * 512)]
    public void AWriteCutIntoHostPiecesLandsWhereItWasAimed(int offset, int length)
    {
        using var folder = new TempFolder();
        const int size = 3 * 1024 * 1024;
        var expected = new byte[size];
        new Random(offset ^ length).NextBytes(expected);
        var source = new byte[length];
        new Random(length).NextBytes(source);
        using var device = FileBlockDevice.Create(folder.Combine("disk.img"), size);
        device.Write(0, expected);

        device.Write(offset, source);
        source.CopyTo(expected, offset);

        var back = new byte[size];
        device.Read(0, back);
        CollectionAssert.AreEqual(expected, back);
    }
}
