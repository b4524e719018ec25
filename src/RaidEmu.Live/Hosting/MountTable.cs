namespace RaidEmu.Live.Hosting;

/// <summary>Reads the kernel's mount table to find which array folder a FUSE mount serves.</summary>
public static class MountTable
{
    /// <summary>The folder served on <paramref name="mountPoint"/>, or null when it is not a raidemu mount.</summary>
    public static string? FolderOf(string mountPoint, string fsNamePrefix)
    {
        // /proc/self/mountinfo: "... MOUNTPOINT options ... - FSTYPE SOURCE SUPEROPTIONS", spaces escaped as \040.
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            string[] fields = line.Split(' ');
            int dash = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || dash < 0 || dash + 2 >= fields.Length)
            {
                continue;
            }

            string point = Unescape(fields[4]);
            string source = Unescape(fields[dash + 2]);
            if (point == mountPoint && source.StartsWith(fsNamePrefix, StringComparison.Ordinal))
            {
                return source[fsNamePrefix.Length..];
            }
        }

        return null;
    }

    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
