using System.Globalization;
using System.Text.RegularExpressions;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Mdadm;

/// <summary>
/// An array kept in a folder: member files <c>disk&lt;N&gt;.img</c> (N being md's dev_number), the event log
/// <c>events.jsonl</c>, and the lock. Emulator-only state lives beside the members, never inside md's fields.
/// </summary>
public static partial class ArrayFolder
{
    /// <summary>Suffix given to a member file taken out of the array, so assembly no longer sees it.</summary>
    public const string RemovedSuffix = ".removed";

    /// <summary>The path of member <paramref name="devNumber"/>'s file.</summary>
    public static string MemberPath(string folder, int devNumber) =>
        Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"disk{devNumber}.img"));

    /// <summary>The event log's path.</summary>
    public static string EventLogPath(string folder) => Path.Combine(folder, EventLog.FileName);

    /// <summary>Member files in the folder, ordered by number.</summary>
    public static IReadOnlyList<string> MemberFiles(string folder) =>
        [.. Directory.EnumerateFiles(folder)
            .Select(path => (Path: path, Match: MemberName().Match(Path.GetFileName(path))))
            .Where(f => f.Match.Success)
            .OrderBy(f => int.Parse(f.Match.Groups[1].Value, CultureInfo.InvariantCulture))
            .Select(f => f.Path)];

    /// <summary>Refuses a folder that already holds anything: creating an array there could overwrite it.</summary>
    public static void CheckNewFolder(string folder)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new ArgumentException($"{folder} already exists and is not empty; choose a new folder for the array");
        }
    }

    /// <summary>Creates the folder, its member files (<paramref name="diskBytes"/> each, sparse) and the array.</summary>
    public static RaidArray Create(string folder, ArrayCreateOptions options, long diskBytes, int spares, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckNewFolder(folder);
        Directory.CreateDirectory(folder);
        var sources = new List<MemberSource>();
        try
        {
            for (int i = 0; i < options.RaidDisks + spares; i++)
            {
                string path = MemberPath(folder, i);
                sources.Add(new MemberSource(FileBlockDevice.Create(path, diskBytes), path));
            }

            return ArrayCreator.Create(options, sources, new EventLog(EventLogPath(folder)), clock);
        }
        catch
        {
            foreach (var source in sources)
            {
                source.Device.Dispose();
                File.Delete(source.Path!);
            }

            throw;
        }
    }

    /// <summary>Assembles the array from the member files in <paramref name="folder"/>.</summary>
    /// <param name="folder">The array folder.</param>
    /// <param name="force">Start a dirty, degraded RAID 5 anyway.</param>
    /// <param name="inspect">Open read-only for reporting, even an array that could not start.</param>
    /// <param name="clock">Time source for events.</param>
    /// <param name="wrap">Wraps each member file's device (a serving process puts it behind the power rail).</param>
    public static RaidArray Open(string folder, bool force = false, bool inspect = false, TimeProvider? clock = null, Func<IBlockDevice, IBlockDevice>? wrap = null)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"no array folder at {folder}");
        }

        var files = MemberFiles(folder);
        if (files.Count == 0)
        {
            throw new MetadataException($"{folder}: holds no member files (disk<N>.img)");
        }

        var sources = new List<MemberSource>();
        var unopened = new List<LeftOutMember>();
        try
        {
            foreach (string file in files)
            {
                IBlockDevice device;
                try
                {
                    device = FileBlockDevice.Open(file, readOnly: inspect);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // md assembles without a device it cannot open; status names it.
                    unopened.Add(new LeftOutMember(file, $"{file}: cannot be opened: {ex.Message}"));
                    continue;
                }

                sources.Add(new MemberSource(wrap?.Invoke(device) ?? device, file));
            }

            return Assembler.Assemble(sources, new EventLog(EventLogPath(folder)), force, clock, ownsDevices: true, inspect, unopened);
        }
        catch
        {
            foreach (var source in sources)
            {
                source.Device.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Adds a member: a fresh zeroed file as big as the others, or <paramref name="file"/>, which is moved
    /// into the folder as <c>disk&lt;N&gt;.img</c> so the next assembly finds it.
    /// </summary>
    public static Member AddMember(string folder, RaidArray array, string? file = null)
    {
        ArgumentNullException.ThrowIfNull(array);
        int devNumber = array.NextDevNumber();
        string path = FreeMemberPath(folder, devNumber);

        FileBlockDevice device;
        if (file == null)
        {
            long size = array.Members.Max(m => m.Device.Length);
            device = FileBlockDevice.Create(path, size);
        }
        else
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"{file} does not exist");
            }

            File.Move(file, path);
            device = FileBlockDevice.Open(path);
        }

        try
        {
            return array.Add(device, path, devNumber);
        }
        catch
        {
            device.Dispose();
            if (file == null)
            {
                File.Delete(path);
            }
            else
            {
                File.Move(path, file);
            }

            throw;
        }
    }

    /// <summary>
    /// The file for a new member with <paramref name="devNumber"/>: <c>disk&lt;N&gt;.img</c> when free, else the next
    /// free <c>disk&lt;K&gt;.img</c>. The device number in the superblock is the member's identity; the name only
    /// has to be found by assembly, and a folder made by mdadm may already use disk&lt;N&gt;.img for another number.
    /// </summary>
    private static string FreeMemberPath(string folder, int devNumber)
    {
        for (int k = devNumber; ; k++)
        {
            string path = MemberPath(folder, k);
            if (!File.Exists(path))
            {
                return path;
            }
        }
    }

    /// <summary>Removes a faulty or spare member and renames its file with <see cref="RemovedSuffix"/>.</summary>
    public static Member RemoveMember(RaidArray array, int devNumber)
    {
        ArgumentNullException.ThrowIfNull(array);
        var member = array.Remove(devNumber);
        if (member.Path != null && File.Exists(member.Path))
        {
            File.Move(member.Path, member.Path + RemovedSuffix, overwrite: true);
        }

        return member;
    }

    [GeneratedRegex(@"^disk(\d+)\.img$")]
    private static partial Regex MemberName();
}
