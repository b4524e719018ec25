using System.Globalization;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Integrity;
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
    public static IReadOnlyList<string> MemberFiles(string folder)
    {
        // A plain list, not (path, number) tuples, whose LINQ sort is compiled at run time in every command.
        var files = new List<string>();
        foreach (string path in Directory.EnumerateFiles(folder))
        {
            if (MemberNumber(Path.GetFileName(path)) >= 0)
            {
                files.Add(path);
            }
        }

        StableSort.InPlace(files, (a, b) => MemberNumber(Path.GetFileName(a)).CompareTo(MemberNumber(Path.GetFileName(b))));
        return files;
    }

    /// <summary>
    /// N of a member file name "diskN.img", or -1 for any other name. Parsed by hand rather than with a regular
    /// expression: loading the regex engine is a noticeable part of every short command's start.
    /// </summary>
    internal static int MemberNumber(string fileName)
    {
        const string prefix = "disk", suffix = ".img";
        if (fileName.Length <= prefix.Length + suffix.Length
            || !fileName.StartsWith(prefix, StringComparison.Ordinal)
            || !fileName.EndsWith(suffix, StringComparison.Ordinal))
        {
            return -1;
        }

        var digits = fileName.AsSpan(prefix.Length, fileName.Length - prefix.Length - suffix.Length);
        return !digits.ContainsAnyExceptInRange('0', '9') && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1;
    }

    /// <summary>Refuses a folder that already holds anything: creating an array there could overwrite it.</summary>
    public static void CheckNewFolder(string folder)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new ArgumentException($"{folder} already exists and is not empty; choose a new folder for the array");
        }
    }

    /// <summary>
    /// Creates the folder, its member files (<paramref name="diskBytes"/> each) and the array. The member files
    /// are fully allocated unless <paramref name="sparse"/>: a full host file system then refuses the create,
    /// and leaves nothing behind, instead of failing writes later.
    /// </summary>
    /// <exception cref="ArrayRefusedException">The host file system has not the room for the member files.</exception>
    /// <exception cref="HostFullException">The room went while the files were being allocated.</exception>
    public static RaidArray Create(string folder, ArrayCreateOptions options, long diskBytes, int spares, TimeProvider? clock = null, bool sparse = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckNewFolder(folder);
        int count = options.RaidDisks + spares;
        if (!sparse)
        {
            CheckRoom(folder, count, diskBytes);
        }

        bool madeFolder = !Directory.Exists(folder);
        Directory.CreateDirectory(folder);
        var sources = new List<MemberSource>();
        try
        {
            if (options.Integrity != IntegrityAlgorithm.None)
            {
                IntegrityFolder.Save(folder, options.Integrity);
            }

            for (int i = 0; i < count; i++)
            {
                string path = MemberPath(folder, i);
                sources.Add(new MemberSource(FileBlockDevice.Create(path, diskBytes, sparse: sparse), path));
                sources[i] = sources[i] with { Device = NewIntegrity(options.Integrity, sources[i].Device, path, ArrayCreateOptions.DataOffsetBytes) };
            }

            var array = ArrayCreator.Create(options, sources, new EventLog(EventLogPath(folder)), clock);
            BindIntegrity(array.Members);
            return array;
        }
        catch
        {
            foreach (var source in sources)
            {
                source.Device.Dispose();
                File.Delete(source.Path!);
            }

            DeleteIntegrity(folder, sources.Select(s => s.Path!));

            File.Delete(EventLogPath(folder));
            if (madeFolder && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
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
    /// <remarks>
    /// Each member sits behind the disk timing model of <c>timing.json</c> and the faults of <c>faults.json</c>
    /// (<see cref="RaidArray.Faults"/>, shared by the members), for inspection and reading too, as md's tools meet
    /// a failing disk. Changes the devices make to the set (a remapped sector, a tripped fail-after, a spent
    /// vanish) are saved back unless <paramref name="inspect"/>, which leaves the folder as it is.
    /// </remarks>
    /// <exception cref="IOException">faults.json or timing.json is damaged; the message names the file.</exception>
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

        var layers = MemberLayers.For(folder, clock, wrap);
        var sources = new List<MemberSource>();
        var unopened = new List<LeftOutMember>();
        var integrity = IntegrityFolder.Load(folder);
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

                int disk = MemberLayers.Probe(device, file, out long dataOffset);
                var member = layers.Wrap(device, disk, dataOffset);
                try
                {
                    member = OpenIntegrity(integrity, member, device, file, inspect);
                }
                catch
                {
                    member.Dispose();
                    throw;
                }

                sources.Add(new MemberSource(member, file));
            }

            var array = Assembler.Assemble(sources, new EventLog(EventLogPath(folder)), force, clock, ownsDevices: true, inspect, unopened);
            array.Faults = layers.Faults;
            array.MemberLayers = layers.Wrap;
            if (!inspect)
            {
                FaultAutoSave.Attach(layers.Faults, folder);
            }

            return array;
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
    /// into the folder as <c>disk&lt;N&gt;.img</c> so the next assembly finds it. As mdadm does, a file that
    /// is already a member, that another process holds, or that carries another array's superblock (unless
    /// <paramref name="force"/>) is refused before anything moves.
    /// </summary>
    public static Member AddMember(string folder, RaidArray array, string? file = null, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (file != null)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"{file} does not exist");
            }

            // Refusals first (an active member, a held file, another array's member), then md's re-add.
            CheckCandidate(folder, array, file, force);
            if (TryReAdd(folder, array, file) is { } readded)
            {
                return readded;
            }
        }

        int devNumber = array.NextDevNumber();
        string path = FreeMemberPath(folder, devNumber);

        IBlockDevice device;
        File.Delete(IntegrityFiles.SidecarPath(path));
        if (file == null)
        {
            long size = array.Members.Max(m => m.Device.Length);
            device = FileBlockDevice.Create(path, size);
        }
        else
        {
            File.Move(file, path);
            device = FileBlockDevice.Open(path);
        }

        device = Layered(array, device, devNumber, array.Geometry.DataOffsetBytes);

        try
        {
            device = file == null
                ? NewIntegrity(IntegrityFolder.Load(folder), device, path, array.Geometry.DataOffsetBytes)
                : AdoptIntegrity(folder, device, path, file, null, array.Geometry.DataOffsetBytes);
            var member = array.Add(device, path, devNumber);
            BindIntegrity([member]);
            return member;
        }
        catch
        {
            device.Dispose();
            if (file == null)
            {
                File.Delete(path);
                File.Delete(IntegrityFiles.SidecarPath(path));
            }
            else
            {
                File.Move(path, file);
                MoveIntegrity(path, file);
            }

            throw;
        }
    }

    /// <summary>
    /// A file that was a member of this array goes back into its old slot under its own device number (md's
    /// re-add), so the bitmap can spare it a full rebuild. Null when it is not a former member whose slot is free.
    /// </summary>
    private static Member? TryReAdd(string folder, RaidArray array, string file)
    {
        Superblock former;
        using (var probe = FileBlockDevice.Open(file, readOnly: true))
        {
            try
            {
                former = Superblock.Read(probe, file);
            }
            catch (MetadataException)
            {
                return null;
            }
        }

        string path = MemberPath(folder, former.DevNumber);
        if (former.SetUuid != array.Uuid || (File.Exists(path) && Path.GetFullPath(path) != Path.GetFullPath(file)))
        {
            return null;
        }

        bool moved = Path.GetFullPath(path) != Path.GetFullPath(file);
        if (moved)
        {
            File.Move(file, path);
        }

        var device = Layered(array, FileBlockDevice.Open(path), former.DevNumber, (long)former.DataOffset * 512);
        Member? member = null;
        try
        {
            device = AdoptIntegrity(folder, device, path, file, former.DeviceUuid, array.Geometry.DataOffsetBytes);
            member = array.ReAdd(device, path, former);
            return member;
        }
        finally
        {
            if (member == null)
            {
                device.Dispose();
                if (moved)
                {
                    File.Move(path, file);
                    MoveIntegrity(path, file);
                }
            }
        }
    }

    /// <summary>A member device added to an opened array sits behind the same layers as the others.</summary>
    private static IBlockDevice Layered(RaidArray array, IBlockDevice device, int devNumber, long dataOffset) =>
        array.MemberLayers?.Invoke(device, devNumber, dataOffset) ?? device;

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
            MoveIntegrity(member.Path, member.Path + RemovedSuffix);
        }

        return member;
    }

    /// <summary>Refuses a create the host file system has not the room for, before any file exists.</summary>
    private static void CheckRoom(string folder, int count, long diskBytes)
    {
        string existing = Path.GetFullPath(folder);
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        long available = HostFile.AvailableBytes(existing);
        long needed = (long)Int128.Min((Int128)count * diskBytes, long.MaxValue);
        if (needed > available)
        {
            throw new ArrayRefusedException(
                $"not enough room: {HostFile.Describe(Path.Combine(existing, "x"))} has {Mebibytes(available)} free, and {count} member files of {Mebibytes(diskBytes)} need {Mebibytes(needed)}");
        }
    }

    /// <summary>mdadm's checks on a device given to --add, made on the user's own file before it moves.</summary>
    private static void CheckCandidate(string folder, RaidArray array, string file, bool force)
    {
        var info = HostFile.Stat(file);
        if (info.Kind != HostFileKind.Regular)
        {
            throw new ArgumentException($"{file} is not a regular file");
        }

        // By inode, not by name: a hard link, a symbolic link or another spelling of the path is the same disk.
        foreach (string member in MemberFiles(folder).Concat(array.Members.Select(m => m.Path).OfType<string>()))
        {
            if (File.Exists(member) && HostFile.Stat(member).IsSameFile(info))
            {
                throw new ArrayRefusedException($"{file} is {Path.GetFileName(member)}, already a member of array '{array.Name}'");
            }
        }

        long needed = array.Geometry.DataOffsetBytes + array.Geometry.ComponentBytes;
        long length = new FileInfo(file).Length;
        if (length < needed)
        {
            throw new ArgumentException($"{file} is {length} bytes; a member of this array needs at least {needed}");
        }

        if (HostFile.IsLockedByOther(file))
        {
            throw new ArrayRefusedException($"{file} is in use by another process (it holds a lock on the file)");
        }

        if (!force && ForeignSuperblock(file, array.Uuid) is { } other)
        {
            throw new ArrayRefusedException(
                $"{file} carries the md superblock of another array ('{other.SetName}', UUID {other.SetUuid}); adding it would destroy that array's member, so the add must be forced");
        }
    }

    /// <summary>The valid md superblock of an array other than <paramref name="uuid"/> on <paramref name="file"/>, if any.</summary>
    private static Superblock? ForeignSuperblock(string file, Guid uuid)
    {
        using var device = FileBlockDevice.Open(file, readOnly: true);
        try
        {
            var superblock = Superblock.Read(device, file);
            return superblock.SetUuid == uuid ? null : superblock;
        }
        catch (MetadataException)
        {
            return null;
        }
    }

    private static string Mebibytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.#} MiB");
}
