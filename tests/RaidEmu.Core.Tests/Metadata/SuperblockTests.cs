using System.Buffers.Binary;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Metadata;
using RaidEmu.Tests.Shared;

namespace RaidEmu.Core.Tests.Metadata;

[TestClass]
public sealed class SuperblockTests
{
    private const long DiskBytes = 4 * 1024 * 1024;

    [TestMethod]
    public void RoundTrip_KeepsEveryField()
    {
        var sb = new Superblock
        {
            FeatureMap = Superblock.FeatureRecoveryOffset,
            SetUuid = Guid.NewGuid(),
            SetName = "round",
            CreationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            Level = 5,
            Layout = 2,
            Size = 4096,
            ChunkSectors = 128,
            RaidDisks = 3,
            DataOffset = 2048,
            DataSize = 6144,
            RecoveryOffset = 256,
            DevNumber = 1,
            DeviceUuid = Guid.NewGuid(),
            UpdateTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_100),
            Events = 42,
            ResyncOffset = Superblock.Synced,
            Roles = [0, 1, 2, DeviceRole.Spare],
        };
        var block = new byte[Superblock.BlockBytes];
        sb.WriteTo(block);
        var back = Superblock.Parse(block, "x", DiskBytes);
        Assert.AreEqual(sb.SetUuid, back.SetUuid);
        Assert.AreEqual(sb.DeviceUuid, back.DeviceUuid);
        Assert.AreEqual("round", back.SetName);
        Assert.AreEqual(sb.CreationTime, back.CreationTime);
        Assert.AreEqual(42UL, back.Events);
        Assert.AreEqual(256UL, back.RecoveryOffset);
        CollectionAssert.AreEqual(sb.Roles, back.Roles);
        Assert.AreEqual((ushort)1, back.OwnRole);
    }

    [TestMethod]
    public void Times_AreWholeSecondsWithTheTopBitsZero_AsMdWritesThem()
    {
        var sb = new Superblock
        {
            SetName = "t",
            CreationTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).AddTicks(1_234_567),
            UpdateTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_100).AddTicks(9_999_999),
            Level = 1,
            RaidDisks = 2,
            Size = 2048,
            DataOffset = 2048,
            DataSize = 2048,
            Roles = [0, 1],
        };
        var block = new byte[Superblock.BlockBytes];
        sb.WriteTo(block);

        Assert.AreEqual(1_700_000_000UL, BinaryPrimitives.ReadUInt64LittleEndian(block.AsSpan(64)), "ctime");
        Assert.AreEqual(1_700_000_100UL, BinaryPrimitives.ReadUInt64LittleEndian(block.AsSpan(192)), "utime");
    }

    [TestMethod]
    public void WrongMagic_NamesTheFile()
    {
        using var folder = NewArray(out string dir);
        Corrupt(ArrayFolder.MemberPath(dir, 1), 0, 0x12345678);
        AssertLeftOut(dir, "disk1.img", "no md superblock");
    }

    [TestMethod]
    public void WrongChecksum_NamesTheFile()
    {
        using var folder = NewArray(out string dir);
        Corrupt(ArrayFolder.MemberPath(dir, 2), 200, 999); // the event count, without fixing the checksum
        AssertLeftOut(dir, "disk2.img", "checksum is wrong");
    }

    [TestMethod]
    public void ImpossibleGeometry_NamesTheFile()
    {
        using var folder = NewArray(out string dir);
        RewriteSuperblock(ArrayFolder.MemberPath(dir, 0), sb => sb.ChunkSectors = 100);
        AssertLeftOut(dir, "disk0.img", "impossible md geometry");
    }

    [TestMethod]
    public void FileShorterThanItsSuperblockClaims_NamesTheFile()
    {
        using var folder = NewArray(out string dir);
        string path = ArrayFolder.MemberPath(dir, 1);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(DiskBytes / 2);
        }

        AssertLeftOut(dir, "disk1.img", "needs");
    }

    [TestMethod]
    public void MembersOfDifferentArrays_AreNotMixed()
    {
        using var folder = NewArray(out string dir);
        string other = folder.Combine("other");
        ArrayFolder.Create(other, new ArrayCreateOptions { RaidDisks = 3, ChunkBytes = 65536, Name = "other", AssumeClean = true }, DiskBytes, 0).Dispose();
        File.Copy(ArrayFolder.MemberPath(other, 0), ArrayFolder.MemberPath(dir, 3));
        var error = Assert.ThrowsExactly<MetadataException>(() => ArrayFolder.Open(dir));
        StringAssert.Contains(error.Message, "disk3.img");
        StringAssert.Contains(error.Message, "belongs to array");
    }

    [TestMethod]
    public void ShortFile_WithoutRoomForASuperblock_IsRejected()
    {
        using var device = new MemoryBlockDevice(4096);
        var error = Assert.ThrowsExactly<MetadataException>(() => Assembler.Assemble([new MemberSource(device, "tiny.img")], new RaidEmu.Core.Events.MemoryEventSink()));
        StringAssert.Contains(error.Message, "tiny.img");
    }

    /// <summary>md assembles without a member it cannot read: the array comes up degraded and names the file and why.</summary>
    private static void AssertLeftOut(string dir, string file, string reason)
    {
        using var array = ArrayFolder.Open(dir);
        Assert.AreEqual(ArrayState.Degraded, array.State);
        var left = array.LeftOut.Single();
        StringAssert.Contains(left.Reason, file);
        StringAssert.Contains(left.Reason, reason);
        Assert.IsFalse(array.Members.Any(m => Path.GetFileName(m.Path) == file));
    }

    [TestMethod]
    public void NoReadableMember_StillFails_NamingEachFile()
    {
        using var folder = NewArray(out string dir);
        for (int i = 0; i < 3; i++)
        {
            Corrupt(ArrayFolder.MemberPath(dir, i), 0, 0x12345678);
        }

        var error = Assert.ThrowsExactly<MetadataException>(() => ArrayFolder.Open(dir));
        StringAssert.Contains(error.Message, "disk0.img");
        StringAssert.Contains(error.Message, "disk2.img");
    }

    private static TempFolder NewArray(out string dir)
    {
        var folder = new TempFolder();
        dir = folder.Combine("array");
        ArrayFolder.Create(dir, new ArrayCreateOptions { RaidDisks = 3, ChunkBytes = 65536, Name = "meta", AssumeClean = true }, DiskBytes, 0).Dispose();
        return folder;
    }

    private static void Corrupt(string path, int fieldOffset, uint value)
    {
        using var device = FileBlockDevice.Open(path);
        var word = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, value);
        device.Write(Superblock.ByteOffset + fieldOffset, word);
    }

    private static void RewriteSuperblock(string path, Action<Superblock> change)
    {
        using var device = FileBlockDevice.Open(path);
        var block = new byte[Superblock.BlockBytes];
        device.Read(Superblock.ByteOffset, block);
        var sb = Superblock.Parse(block, path, device.Length);
        change(sb);
        sb.WriteTo(block);
        device.Write(Superblock.ByteOffset, block);
    }
}
