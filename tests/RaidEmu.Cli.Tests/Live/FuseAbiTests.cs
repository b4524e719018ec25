using System.Runtime.InteropServices;
using RaidEmu.Live.Fuse;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Cli.Tests.Live;

[TestClass]
public sealed unsafe partial class FuseAbiTests
{
    [TestMethod]
    public void StatLayout_OfThisMachine_ReadsWhatTheCLibraryWrites()
    {
        var layout = StatLayout.For(RuntimeInformation.ProcessArchitecture);
        if (layout == null)
        {
            Assert.Inconclusive($"no struct stat layout for {RuntimeInformation.ProcessArchitecture}");
        }

        using var tmp = new TempFolder();
        string path = tmp.Combine("file");
        File.WriteAllBytes(path, new byte[12345]);
        var stat = new byte[256];
        fixed (byte* p = stat)
        {
            Assert.AreEqual(0, Stat(path, p));
            Assert.AreEqual(12345L, *(long*)(p + layout.FileSize));
            Assert.AreEqual(0x8000u, *(uint*)(p + layout.Mode) & 0xF000u, "S_IFREG at st_mode");
            Assert.AreEqual(1u, *(uint*)(p + layout.Nlink));
            Assert.AreEqual(new DateTimeOffset(File.GetLastWriteTimeUtc(path)).ToUnixTimeSeconds(), *(long*)(p + layout.Atime + 16), "st_mtim");
        }
    }

    [TestMethod]
    public void Arm64Stat_FillsItsFieldsAndNothingPastItsSize()
    {
        var stat = new byte[StatLayout.X64.Size];
        stat.AsSpan().Fill(0xEE);
        fixed (byte* p = stat)
        {
            StatLayout.Arm64.Write(p, 0x81a4, links: 1, size: 1 << 20, time: 1_700_000_000);
            Assert.AreEqual(0x81a4u, *(uint*)(p + 16));
            Assert.AreEqual(1u, *(uint*)(p + 20));
            Assert.AreEqual(1L << 20, *(long*)(p + 48));
            Assert.AreEqual(4096, *(int*)(p + 56));
            Assert.AreEqual((1L << 20) / 512, *(long*)(p + 64));
            Assert.AreEqual(1_700_000_000L, *(long*)(p + 104), "st_ctim");
        }

        Assert.IsTrue(stat.AsSpan(StatLayout.Arm64.Size).ToArray().All(b => b == 0xEE), "bytes past the arm64 struct stat must stay untouched");
    }

    [TestMethod]
    public void OtherArchitectures_HaveNoLayout_SoMountingThemIsRefused()
    {
        Assert.IsNull(StatLayout.For(Architecture.Arm));
        Assert.IsNull(StatLayout.For(Architecture.X86));
        Assert.IsNull(StatLayout.For(Architecture.RiscV64));
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, byte* buffer);
}
