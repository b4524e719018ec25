using RaidEmu.Core.Devices;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Cli.Tests;

/// <summary>Puts a bad-block log into a member file the way md records one, for tests outside the engine.</summary>
internal static class BadBlockFiles
{
    /// <summary>Writes <paramref name="log"/> where the member's superblock places its log, then sets MD_FEATURE_BAD_BLOCKS.</summary>
    public static void WriteLog(string file, byte[] log)
    {
        using var device = FileBlockDevice.Open(file, readOnly: false);
        var super = Superblock.Read(device, file);
        device.Write(BadBlockLog.ByteOffset(super), log);
        super.FeatureMap |= Superblock.FeatureBadBlocks;
        var block = new byte[Superblock.BlockBytes];
        super.WriteTo(block);
        device.Write(Superblock.ByteOffset, block);
    }
}
