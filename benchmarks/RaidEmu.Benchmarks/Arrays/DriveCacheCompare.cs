using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using RaidEmu.Core.Devices;

namespace RaidEmu.Benchmarks.Arrays;

/// <summary>
/// "drive-cache-compare [--pairs N] [--quick]": the cost of a member write behind the power rail, the
/// write-back cache (<see cref="PowerCutDevice"/>) against the undo log it replaced, run alternately on one
/// member file (in /dev/shm when there is one, so the page cache is the disk). Each run writes the same
/// bytes and ends with a flush; a run whose file differs from the other side's is refused, not compared.
/// </summary>
internal static class DriveCacheCompare
{
    private sealed record Workload(string Id, int WriteBytes, long FileBytes, int Writes, bool Random, string Unit);

    public static void Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        int at = Array.IndexOf(args, "--pairs");
        int pairs = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : quick ? 3 : 7;
        long fileBytes = quick ? 64L << 20 : 256L << 20;
        Workload[] workloads =
        [
            new("member-write-seq-64k", 64 * 1024, fileBytes, (int)(fileBytes / (64 * 1024)), false, "MB/s"),
            new("member-write-seq-512k", 512 * 1024, fileBytes, (int)(fileBytes / (512 * 1024)), false, "MB/s"),
            new("member-write-rand-4k", 4096, fileBytes, quick ? 8192 : 32768, true, "IOPS"),
        ];

        string folder = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        string path = Path.Combine(folder, $"raidemu-drive-cache-{Environment.ProcessId}.img");
        try
        {
            foreach (var workload in workloads)
            {
                Compare(workload, path, pairs);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Compare(Workload workload, string path, int pairs)
    {
        File.Delete(path);
        using (var file = FileBlockDevice.Create(path, workload.FileBytes))
        {
            // Every page exists before the first run, so both sides overwrite cached pages.
            var zeros = new byte[1 << 20];
            for (long offset = 0; offset < workload.FileBytes; offset += zeros.Length)
            {
                file.Write(offset, zeros);
            }
        }

        var cached = new List<double>();
        var undo = new List<double>();
        var ratios = new List<double>();
        string? refused = null;
        for (int pair = 0; pair < pairs; pair++)
        {
            // Alternate which side goes first, so a trend in the machine's load does not favour one.
            bool cacheFirst = pair % 2 == 0;
            var first = Measure(workload, path, pair, cacheFirst);
            var second = Measure(workload, path, pair, !cacheFirst);
            var (c, u) = cacheFirst ? (first, second) : (second, first);
            if (c.Checksum != u.Checksum)
            {
                refused = $"pair {pair}: the two sides left different member bytes";
            }

            cached.Add(c.Rate);
            undo.Add(u.Rate);
            ratios.Add(c.Rate / u.Rate);
        }

        string ratio = refused == null ? Median(ratios).ToString("0.00", CultureInfo.InvariantCulture) : "REFUSED";
        string list = refused ?? string.Join(",", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Join('\t', "ROW", workload.Id, Median(cached).ToString("0", CultureInfo.InvariantCulture),
            Median(undo).ToString("0", CultureInfo.InvariantCulture), workload.Unit, ratio, "-", list));
    }

    /// <summary>One run: the workload through a fresh drive cache over the member file, then a flush; its rate and the file's checksum.</summary>
    private static (double Rate, ulong Checksum) Measure(Workload workload, string path, int pair, bool writeBack)
    {
        var data = new byte[workload.WriteBytes];
        new Random(pair).NextBytes(data);
        var offsets = new Random(pair + 1000);
        long slots = workload.FileBytes / workload.WriteBytes;
        var clock = Stopwatch.StartNew();
        using (IBlockDevice device = writeBack ? new PowerCutDevice(FileBlockDevice.Open(path)) : new UndoLogDriveCache(FileBlockDevice.Open(path)))
        {
            for (int i = 0; i < workload.Writes; i++)
            {
                long slot = workload.Random ? offsets.NextInt64(slots) : i % slots;
                BitConverter.TryWriteBytes(data, i);
                device.Write(slot * workload.WriteBytes, data);
            }

            device.Flush();
        }

        double seconds = clock.Elapsed.TotalSeconds;
        double rate = workload.Unit == "IOPS" ? workload.Writes / seconds : workload.Writes * (double)workload.WriteBytes / seconds / 1e6;
        return (rate, Checksum(path));
    }

    private static ulong Checksum(string path)
    {
        using var stream = File.OpenRead(path);
        var hash = new XxHash3();
        hash.Append(stream);
        return hash.GetCurrentHashAsUInt64();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
