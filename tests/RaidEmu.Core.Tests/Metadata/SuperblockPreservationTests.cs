using System.Buffers.Binary;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Metadata;
using RaidEmu.Core.Tests.Md;

namespace RaidEmu.Core.Tests.Metadata;

/// <summary>Every superblock field RaidEmu reads is written back unchanged unless it changes it on purpose.</summary>
[TestClass]
public sealed class SuperblockPreservationTests
{
    [TestMethod]
    public void BitmapBadBlockLogAndUnusedFields_SurviveWritesAndStateChanges()
    {
        var devices = WithBitmap();
        var block = new byte[Superblock.BlockBytes];
        foreach (var device in devices)
        {
            // An internal bitmap (as mdadm --create --bitmap=internal leaves it), plus values in fields RaidEmu never uses.
            device.Read(Superblock.ByteOffset, block);
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(100), 5);
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(164), 3);
            block[184] = 1;
            block[185] = 0;
            BinaryPrimitives.WriteUInt16LittleEndian(block.AsSpan(186), 8);
            BinaryPrimitives.WriteInt32LittleEndian(block.AsSpan(188), -16);
            block[230] = 0x5a;
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(216), Superblock.Checksum(block, BinaryPrimitives.ReadInt32LittleEndian(block.AsSpan(220))));
            device.Write(Superblock.ByteOffset, block);
        }

        var before = devices.Select(d => Header(d)).ToList();
        using (var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false))
        {
            again.Write(0, new byte[8192]);
            again.Fail(3);
        }

        for (int i = 0; i < 3; i++)
        {
            var after = Header(devices[i]);
            Assert.AreEqual(1u, BinaryPrimitives.ReadUInt32LittleEndian(after.AsSpan(8)) & Superblock.FeatureBitmap, $"member {i} lost its bitmap bit");
            foreach (var (from, to, what) in new[] { (96, 128, "bitmap offset and reshape fields"), (164, 168, "cnt_corrected_read"), (184, 192, "devflags and bad-block log"), (224, 256, "padding") })
            {
                CollectionAssert.AreEqual(before[i][from..to], after[from..to], $"member {i}: {what} changed");
            }
        }
    }

    [TestMethod]
    [DataRow(0x4u, "reshape in progress")]
    [DataRow(0x200u, "write journal")]
    [DataRow(0x400u, "partial parity log")]
    [DataRow(0x10000u, "unknown feature bits 0x10000")]
    public void UnimplementedFeature_IsRefused_NamingIt(uint bit, string name)
    {
        var array = TestArrays.Raid5(out var devices);
        array.Dispose();
        SetFeature(devices[1], bit);

        var error = Assert.ThrowsExactly<ArrayRefusedException>(() => Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false));
        StringAssert.Contains(error.Message, name);
        StringAssert.Contains(error.Message, "mem1");
    }

    [TestMethod]
    public void BitmapAndBadBlockLogBits_AreAccepted()
    {
        var devices = WithBitmap();
        foreach (var device in devices)
        {
            SetFeature(device, 0x8);
        }

        using var again = Assembler.Assemble(TestArrays.Sources(devices), new MemoryEventSink(), ownsDevices: false);
        Assert.AreEqual(RaidEmu.Core.Md.ArrayState.Optimal, again.State);
    }

    /// <summary>A clean RAID 5 with an internal bitmap: a superblock that announces one must have one to assemble.</summary>
    private static List<IBlockDevice> WithBitmap()
    {
        const int chunk = 16 * 1024;
        var devices = TestArrays.NewDevices(4, TestArrays.DataOffset + (chunk * 12L));
        var options = new ArrayCreateOptions { Level = RaidEmu.Core.Md.RaidLevel.Raid5, RaidDisks = 4, ChunkBytes = chunk, AssumeClean = true, Name = "kept", Bitmap = true, BitmapChunkBytes = chunk };
        ArrayCreator.Create(options, TestArrays.Sources(devices), new MemoryEventSink()).Dispose();
        return devices;
    }

    private static void SetFeature(IBlockDevice device, uint bit)
    {
        var super = Superblock.Read(device, "m");
        super.FeatureMap |= bit;
        var block = new byte[Superblock.BlockBytes];
        super.WriteTo(block);
        device.Write(Superblock.ByteOffset, block);
    }

    private static byte[] Header(IBlockDevice device)
    {
        var header = new byte[256];
        device.Read(Superblock.ByteOffset, header);
        return header;
    }
}
