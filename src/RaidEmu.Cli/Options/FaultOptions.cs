using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu fault ACTION ARRAY.</summary>
[Verb("fault", HelpText = "Inject disk faults into members (add), show them (list), take them away (clear); kept in ARRAY/faults.json.")]
public sealed class FaultOptions
{
    /// <summary>What to do.</summary>
    [Value(0, MetaName = "ACTION", Required = true, HelpText = "add: fault add ARRAY --disk N --kind KIND [range] [the kind's parameters], e.g. 'raidemu fault add a --disk 1 --kind unreadable --sectors 100-107'; list: fault list ARRAY; clear: fault clear ARRAY [--disk N] [--id ID] (no filter clears every fault).")]
    public string Action { get; set; } = "";

    /// <summary>The array folder.</summary>
    [Value(1, MetaName = "ARRAY", Required = true, HelpText = "The array's folder.")]
    public string Array { get; set; } = "";

    /// <summary>The member.</summary>
    [Option("disk", HelpText = "add: the member N (its file is disk<N>.img); clear: only this member's faults.")]
    public int? Disk { get; set; }

    /// <summary>The fault kind.</summary>
    [Option("kind", HelpText = "add: unreadable, unwritable, corrupt, slow, hang, flaky, vanish or fail-after.")]
    public string? Kind { get; set; }

    /// <summary>Sector range.</summary>
    [Option("sectors", HelpText = "add: sectors A-B (inclusive, 512 bytes each) of the member's data area; a single sector A is A-A. Default: the whole disk. For unreadable, unwritable, corrupt, hang and flaky.")]
    public string? Sectors { get; set; }

    /// <summary>Byte offset of the range.</summary>
    [Option("offset", HelpText = "add: start of the range in bytes of the member's data area (a multiple of 512; K/M/G allowed), with --length.")]
    public string? Offset { get; set; }

    /// <summary>Byte length of the range.</summary>
    [Option("length", HelpText = "add: length of the range in bytes (a multiple of 512; K/M/G allowed), with --offset.")]
    public string? Length { get; set; }

    /// <summary>Slow: latency.</summary>
    [Option("latency", HelpText = "add, slow: fixed latency added to every I/O, in ms.")]
    public double? Latency { get; set; }

    /// <summary>Slow: jitter.</summary>
    [Option("jitter", HelpText = "add, slow (with --latency): up to this many more ms per I/O, drawn from the seed.")]
    public double? Jitter { get; set; }

    /// <summary>Slow: bandwidth cap.</summary>
    [Option("bandwidth", HelpText = "add, slow: throughput cap in bytes per second (K/M/G allowed, powers of 1024; a trailing /s or B/s is accepted: 50M, 50MB/s).")]
    public string? Bandwidth { get; set; }

    /// <summary>Flaky: failure probability.</summary>
    [Option("rate", HelpText = "add, flaky: probability (0 to 1) that one I/O fails.")]
    public double? Rate { get; set; }

    /// <summary>Hang or vanish duration.</summary>
    [Option("ms", HelpText = "add, hang: how long an I/O hangs before it fails; vanish: how long the disk is gone. Milliseconds.")]
    public int? Ms { get; set; }

    /// <summary>Fail-after: writes.</summary>
    [Option("writes", HelpText = "add, fail-after: writes let through before the disk fails for good.")]
    public long? Writes { get; set; }

    /// <summary>Fail-after: bytes.</summary>
    [Option("bytes", HelpText = "add, fail-after: bytes written before the disk fails for good (K/M/G allowed).")]
    public string? Bytes { get; set; }

    /// <summary>Seed.</summary>
    [Option("seed", HelpText = "add, corrupt, slow (jitter) and flaky: seed of the fault's random choices (default 0).")]
    public long? Seed { get; set; }

    /// <summary>Clear: one fault.</summary>
    [Option("id", HelpText = "clear: only the fault with this id (as 'fault list' shows it).")]
    public int? Id { get; set; }

    /// <summary>Print JSON.</summary>
    [Option("json", HelpText = "Print one JSON document.")]
    public bool Json { get; set; }
}
