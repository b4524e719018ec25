using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu reliability: how long until data (or the power rail) is lost.</summary>
[Verb("reliability", HelpText = "Mean time to data loss and loss probability of an array (or of redundant power supplies with --psu): exact Markov chain, textbook approximations, Monte Carlo. "
    + "Durations are hours, or take h, d or y (1 y = 8760 h). Sizes: TB/GB are decimal (4TB = 4x10^12 bytes, as drive vendors count), TiB/T and GiB/G binary (4T = 4x2^40).")]
public sealed class ReliabilityOptions
{
    /// <summary>RAID level.</summary>
    [Option("level", HelpText = "RAID level: 0, 1 (an N-way mirror), 5, 6 or 10 (N/2 mirrored pairs).")]
    public string? Level { get; set; }

    /// <summary>Disks.</summary>
    [Option("disks", HelpText = "Disks in the array.")]
    public int? Disks { get; set; }

    /// <summary>Disk MTTF.</summary>
    [Option("mttf", HelpText = "Each disk's mean time to failure (e.g. 1.2e6 or 130y). Durations here are hours, or a number with h, d or y (1 y = 8760 h).")]
    public string? Mttf { get; set; }

    /// <summary>Annualised failure rate.</summary>
    [Option("afr", HelpText = "Annualised failure rate in percent (as Backblaze publishes), instead of --mttf. A unit survives a year with probability 1 - AFR = e^(-rate*8760 h), so rate = -ln(1 - AFR)/8760 per hour.")]
    public double? Afr { get; set; }

    /// <summary>Repair time.</summary>
    [Option("mttr", HelpText = "Mean time to replace and rebuild one disk (or repair one supply). Omitted: nothing is repaired, and the answer is the time until more units have failed than the system tolerates.")]
    public string? Mttr { get; set; }

    /// <summary>Rebuild time model.</summary>
    [Option("rebuild", HelpText = "Rebuild (repair) time: exponential (default, what the Markov chain assumes) or fixed (always exactly --mttr). Failed units are rebuilt one at a time, in the order they failed.")]
    public string? Rebuild { get; set; }

    /// <summary>Disk capacity.</summary>
    [Option("capacity", HelpText = "Each disk's capacity, for --ure and the bytes lost. TB/GB are decimal (4TB = 4x10^12 bytes, as drive vendors count); TiB/T and GiB/G are binary (4TiB = 4T = 4x2^40).")]
    public string? Capacity { get; set; }

    /// <summary>URE rate.</summary>
    [Option("ure", HelpText = "Unrecoverable read errors per bit read (e.g. 1e-14, a common datasheet figure). A rebuild that reads data with no redundancy left fails, losing data, unless it reads every bit.")]
    public double? Ure { get; set; }

    /// <summary>Mission time.</summary>
    [Option("mission", HelpText = "Mission time (e.g. 5y): the probability of a loss within it and, from Monte Carlo, the bytes lost per usable TB (NOMDL, Greenan, Plank & Wylie 2010).")]
    public string? Mission { get; set; }

    /// <summary>Method.</summary>
    [Option("method", HelpText = "exact (default), approx (the textbook formulas beside the exact value), montecarlo, or all.")]
    public string? Method { get; set; }

    /// <summary>Trials.</summary>
    [Option("trials", HelpText = "Monte Carlo trials (default 10000).")]
    public int? Trials { get; set; }

    /// <summary>Seed.</summary>
    [Option("seed", HelpText = "Monte Carlo seed (default 1); the same seed gives the same answer on any number of cores.")]
    public ulong? Seed { get; set; }

    /// <summary>Weibull lifetimes.</summary>
    [Option("weibull", HelpText = "SHAPE,SCALE: Weibull lifetimes for Monte Carlo (scale a duration, e.g. 1.2,1e6 or 1.2,100y); the exact chain and approximations use an exponential lifetime of the same mean.")]
    public string? Weibull { get; set; }

    /// <summary>Array folder to read.</summary>
    [Option("from-array", HelpText = "An array folder: level, disk count and disk size from its superblocks, and the rebuild time from its last completed rebuild in events.jsonl (its measured bytes per second, scaled to --capacity when given).")]
    public string? FromArray { get; set; }

    /// <summary>Power supply mode.</summary>
    [Option("psu", HelpText = "Model power supplies instead of disks: --supplies, --mode, --min-needed, --mtbf, --coverage.")]
    public bool Psu { get; set; }

    /// <summary>Supplies.</summary>
    [Option("supplies", HelpText = "--psu: number of supplies.")]
    public int? Supplies { get; set; }

    /// <summary>Supply redundancy.</summary>
    [Option("mode", HelpText = "--psu: sharing or n-plus-m (active redundancy: every supply runs and ages) or failover (passive: cold standbys wake when a running supply fails).")]
    public string? Mode { get; set; }

    /// <summary>Supplies needed.</summary>
    [Option("min-needed", HelpText = "--psu: supplies needed to keep the rail up (default 1).")]
    public int? MinNeeded { get; set; }

    /// <summary>Supply MTBF.</summary>
    [Option("mtbf", HelpText = "--psu: each supply's mean time between failures.")]
    public string? Mtbf { get; set; }

    /// <summary>Switch coverage.</summary>
    [Option("coverage", HelpText = "--psu failover: probability that a standby takes over when a running supply fails (default 1).")]
    public double? Coverage { get; set; }

    /// <summary>Print JSON.</summary>
    [Option("json", HelpText = "Print one JSON document.")]
    public bool Json { get; set; }
}
