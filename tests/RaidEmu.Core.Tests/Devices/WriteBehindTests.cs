using RaidEmu.Core.Devices;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Devices;

// Sequential runs of a member file start their write-out on a background thread. That thread must outlive the
// files it was told about: a member closed before its turn comes (an array stopped right after a long write)
// must neither bring the process down nor change a byte.
[TestClass]
public sealed class WriteBehindTests
{
    private const int Mib = 1024 * 1024;

    [TestMethod]
    public void AFileClosedBeforeItsWriteOutStartsIsSkipped()
    {
        using var folder = new TempFolder();
        var expected = new byte[24 * Mib];
        new Random(7).NextBytes(expected);
        for (int round = 0; round < 8; round++)
        {
            string path = folder.Combine($"disk{round}.img");
            using (var device = FileBlockDevice.Create(path, expected.Length))
            {
                // Three 8 MiB runs, each handed to the background thread; the device closes at once.
                for (int at = 0; at < expected.Length; at += Mib)
                {
                    device.Write(at, expected.AsSpan(at, Mib));
                }
            }

            CollectionAssert.AreEqual(expected, File.ReadAllBytes(path));
            File.Delete(path);
        }

        // Queued ranges of closed files are dropped by the thread, and it goes on serving open ones.
        using var open = FileBlockDevice.Create(folder.Combine("open.img"), 16 * Mib);
        for (int at = 0; at < 16 * Mib; at += Mib)
        {
            open.Write(at, expected.AsSpan(at, Mib));
        }

        open.Flush();
        var back = new byte[16 * Mib];
        open.Read(0, back);
        CollectionAssert.AreEqual(expected.AsSpan(0, 16 * Mib).ToArray(), back);
    }

    [TestMethod]
    public void WritesOutOfOrderStillLandWhereTheyWereAimed()
    {
        using var folder = new TempFolder();
        var expected = new byte[24 * Mib];
        new Random(8).NextBytes(expected);
        using var device = FileBlockDevice.Create(folder.Combine("disk.img"), expected.Length);

        // Backwards, then forwards in runs that break and restart: only runs start write-out, every byte lands.
        for (int at = expected.Length - Mib; at >= 12 * Mib; at -= Mib)
        {
            device.Write(at, expected.AsSpan(at, Mib));
        }

        for (int at = 0; at < 12 * Mib; at += Mib)
        {
            device.Write(at, expected.AsSpan(at, Mib));
        }

        device.Flush();
        var back = new byte[expected.Length];
        device.Read(0, back);
        CollectionAssert.AreEqual(expected, back);
    }
}
