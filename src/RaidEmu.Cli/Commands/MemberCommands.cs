using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Cli.Commands;

/// <summary>fail, remove and add: md's member lifecycle.</summary>
internal static class MemberCommands
{
    public static int Fail(FailOptions o)
    {
        using var handle = OpenToChange(o.Array, "fail");
        var array = handle.Array;
        CheckDisk(array, o.Disk);
        var spareBefore = array.Members.Where(m => m.State == MemberState.Spare).Select(m => m.DevNumber).ToHashSet();
        array.Fail(o.Disk);
        CommandContext.Current.Out.WriteLine($"disk {o.Disk} marked faulty; array is {State(array)}");
        var took = array.Members.FirstOrDefault(m => spareBefore.Contains(m.DevNumber) && m.State == MemberState.Rebuilding);
        if (took != null)
        {
            CommandContext.Current.Out.WriteLine(handle.Live
                ? $"hot spare disk {took.DevNumber} took over slot {took.Slot}; recovery runs in the background"
                : $"hot spare disk {took.DevNumber} took over slot {took.Slot}; run 'raidemu rebuild {o.Array}' to rebuild it");
        }

        return 0;
    }

    public static int Remove(RemoveOptions o)
    {
        using var handle = OpenToChange(o.Array, "remove");
        CheckDisk(handle.Array, o.Disk);
        var member = ArrayFolder.RemoveMember(handle.Array, o.Disk);
        CommandContext.Current.Out.WriteLine($"disk {o.Disk} removed; its file is now {Path.GetFileName(member.Path)}{ArrayFolder.RemovedSuffix}");
        return 0;
    }

    public static int Add(AddOptions o)
    {
        string? file = o.File == null ? null : CommandContext.Current.Path(o.File);
        if (file != null && Directory.Exists(file))
        {
            throw new UsageException($"{o.File} is a directory, not a member file");
        }

        if (file != null && !File.Exists(file))
        {
            throw new UsageException($"{o.File} does not exist");
        }

        using var handle = OpenToChange(o.Array, "add");
        var member = ArrayFolder.AddMember(handle.Folder, handle.Array, file, o.Force);
        if (member.BitmapRecovery)
        {
            CommandContext.Current.Out.WriteLine(handle.Live
                ? $"disk {member.DevNumber} re-added to slot {member.Slot}: only the {handle.Array.BitmapDirtyChunks} chunks the bitmap marks are recovered, in the background"
                : $"disk {member.DevNumber} re-added to slot {member.Slot}: only the {handle.Array.BitmapDirtyChunks} chunks the bitmap marks are recovered; run 'raidemu rebuild {o.Array}' to recover them");
            return 0;
        }

        CommandContext.Current.Out.WriteLine(member.State == MemberState.Spare
            ? $"disk {member.DevNumber} added as a hot spare ({Path.GetFileName(member.Path)})"
            : handle.Live
                ? $"disk {member.DevNumber} added as the replacement for slot {member.Slot}; recovery runs in the background ('raidemu rebuild {o.Array} --wait' waits for it)"
                : $"disk {member.DevNumber} added as the replacement for slot {member.Slot}; run 'raidemu rebuild {o.Array}' to rebuild it");
        return 0;
    }

    public static string State(RaidArray array) => array.State.ToString().ToLowerInvariant();

    /// <summary>
    /// Opens the array for a member change, refusing before anything is applied when the event log cannot
    /// be written: the change would happen, yet the command would report a failure.
    /// </summary>
    private static ArrayHandle OpenToChange(string folder, string purpose)
    {
        var handle = CommandContext.Current.Arrays.Open(folder, purpose);
        try
        {
            EventLog.CheckWritable(ArrayFolder.EventLogPath(handle.Folder));
            return handle;
        }
        catch (IOException ex)
        {
            handle.Dispose();
            throw new IOException($"{ex.Message}; nothing was changed", ex);
        }
    }

    private static void CheckDisk(RaidArray array, int disk)
    {
        var numbers = array.Members.Select(m => m.DevNumber).Order().ToList();
        if (!numbers.Contains(disk))
        {
            throw new UsageException($"array has no disk {disk} (its disks are {string.Join(", ", numbers)})");
        }
    }
}
