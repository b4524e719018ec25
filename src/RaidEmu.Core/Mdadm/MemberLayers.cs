using System.Globalization;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Devices.Timing;
using RaidEmu.Core.Faults;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Mdadm;

/// <summary>
/// The layers every member file of an array folder sits behind, innermost first: the file, the caller's wrap
/// (a serving process's power rail), the disk timing model of <c>timing.json</c>, then the faults of
/// <c>faults.json</c> for its disk number (N of disk&lt;N&gt;.img).
/// </summary>
internal sealed class MemberLayers(FaultSet faults, TimingProfile? timing, DeviceClock clock, Func<IBlockDevice, IBlockDevice>? wrap)
{
    private readonly TimingModel? _model = timing?.Model();

    /// <summary>The layers for <paramref name="folder"/>: its saved faults and timing profile.</summary>
    /// <exception cref="IOException">faults.json or timing.json is damaged (the message names the file).</exception>
    public static MemberLayers For(string folder, TimeProvider? clock, Func<IBlockDevice, IBlockDevice>? wrap) =>
        new(FaultSet.Load(folder), TimingProfile.Load(folder), new DeviceClock(clock ?? TimeProvider.System), wrap);

    /// <summary>The array's faults.</summary>
    public FaultSet Faults => faults;

    /// <summary>Puts <paramref name="file"/>'s device <paramref name="device"/>, whose data area starts at <paramref name="dataOffset"/>, behind every layer.</summary>
    public IBlockDevice Wrap(IBlockDevice device, string file, long dataOffset)
    {
        int disk = DiskNumber(file);
        device = wrap?.Invoke(device) ?? device;
        if (_model != null)
        {
            device = new TimedBlockDevice(device, _model, clock, timing!.Seed ^ ((long)disk << 32));
        }

        return new FaultInjectingDevice(device, disk, dataOffset, faults, clock);
    }

    /// <summary>Where the data area of a member file starts, from its own superblock; 0 when it has none (assembly will leave it out).</summary>
    public static long ProbeDataOffset(IBlockDevice device, string file)
    {
        try
        {
            return (long)Superblock.Read(device, file).DataOffset * 512;
        }
        catch (Exception ex) when (ex is MetadataException or IOException)
        {
            return 0;
        }
    }

    /// <summary>N of disk&lt;N&gt;.img; -1 for a file named otherwise, which no fault names.</summary>
    private static int DiskNumber(string file)
    {
        var match = ArrayFolder.MemberName().Match(Path.GetFileName(file));
        return match.Success && int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out int n) ? n : -1;
    }
}
