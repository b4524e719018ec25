using RaidEmu.Core.Devices;
using RaidEmu.Core.Devices.Timing;
using RaidEmu.Core.Faults;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Mdadm;

/// <summary>
/// The layers every member file of an array folder sits behind, innermost first: the file, the caller's wrap
/// (a serving process's power rail), the disk timing model of <c>timing.json</c>, then the faults of
/// <c>faults.json</c> for its disk: md's dev_number from its superblock, which is N of disk&lt;N&gt;.img unless the
/// files were renamed (a fault names the member as <c>fail</c> and <c>status</c> do).
/// </summary>
internal sealed class MemberLayers(FaultSet faults, TimingProfile? timing, DeviceClock clock, Func<IBlockDevice, IBlockDevice>? wrap)
{
    private readonly TimingModel? _model = timing?.Model();

    /// <summary>The layers for <paramref name="folder"/>: its saved faults and timing profile.</summary>
    /// <exception cref="IOException">faults.json or timing.json is damaged (the message names the file).</exception>
    public static MemberLayers For(string folder, TimeProvider? clock, Func<IBlockDevice, IBlockDevice>? wrap) =>
        new(
            // Without the files, the loaders' JSON options (and System.Text.Json) are never set up: a noticeable
            // part of every short command's start.
            File.Exists(Path.Combine(folder, FaultSet.FileName)) ? FaultSet.Load(folder) : new FaultSet(),
            File.Exists(Path.Combine(folder, TimingProfile.FileName)) ? TimingProfile.Load(folder) : null,
            new DeviceClock(clock ?? TimeProvider.System),
            wrap);

    /// <summary>The array's faults.</summary>
    public FaultSet Faults => faults;

    /// <summary>Puts member <paramref name="disk"/>'s <paramref name="device"/>, whose data area starts at <paramref name="dataOffset"/>, behind every layer.</summary>
    public IBlockDevice Wrap(IBlockDevice device, int disk, long dataOffset)
    {
        device = wrap?.Invoke(device) ?? device;
        if (_model != null)
        {
            device = new TimedBlockDevice(device, _model, clock, timing!.Seed ^ ((long)disk << 32));
        }

        return new FaultInjectingDevice(device, disk, dataOffset, faults, clock);
    }

    /// <summary>
    /// A member file's disk number and (in <paramref name="dataOffset"/>) where its data area starts, from its own
    /// superblock. A file without one (assembly will leave it out) gets N of its name and a data area beyond its
    /// end, so only whole-disk faults apply to it. An out parameter, not a tuple: a tuple of value types is
    /// compiled at run time in every command.
    /// </summary>
    public static int Probe(IBlockDevice device, string file, out long dataOffset)
    {
        try
        {
            var superblock = Superblock.Read(device, file);
            dataOffset = (long)superblock.DataOffset * 512;
            return superblock.DevNumber;
        }
        catch (Exception ex) when (ex is MetadataException or IOException)
        {
            dataOffset = long.MaxValue / 4;
            return ArrayFolder.MemberNumber(Path.GetFileName(file));
        }
    }
}
