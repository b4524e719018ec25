using CommandLine;

namespace RaidEmu.Cli.Options;

/// <summary>raidemu serve.</summary>
[Verb("serve", HelpText = "Export the array over NBD and accept CLI commands on its control socket while it serves.")]
public sealed class ServeOptions : ArrayOptions
{
    /// <summary>TCP address.</summary>
    [Option("listen", HelpText = "HOST:PORT to listen on (default 127.0.0.1:10809; port 0 picks a free one).")]
    public string? Listen { get; set; }

    /// <summary>Unix socket instead of TCP.</summary>
    [Option("socket", HelpText = "Listen on this Unix socket instead of TCP.")]
    public string? Socket { get; set; }

    /// <summary>Stay attached.</summary>
    [Option("foreground", HelpText = "Serve in this process until stopped (default: serve in the background and return once ready).")]
    public bool Foreground { get; set; }

    /// <summary>Refuse writes.</summary>
    [Option("read-only", HelpText = "Export read-only.")]
    public bool ReadOnly { get; set; }
}
