using RaidEmu.Cli.Output;

namespace RaidEmu.Cli.Commands;

/// <summary>
/// Where a command writes and how it reaches arrays. A plain run uses the console and the files; inside a
/// serving process each control request gets its own context, so the same command code acts on the live
/// array and its output travels back to the client.
/// </summary>
internal sealed class CommandContext(TextWriter output, TextWriter error, IArrayAccess arrays, string workingDirectory, bool isTerminal)
    : OutputTarget(output, error, isTerminal)
{
    private static readonly CommandContext s_console = new(
        Console.Out, Console.Error, OfflineArrays.Instance, Environment.CurrentDirectory, !Console.IsOutputRedirected);

    /// <summary>The context of the command running on this flow, else the console's.</summary>
    public static new CommandContext Current => Running as CommandContext ?? s_console;

    public IArrayAccess Arrays { get; } = arrays;

    public string WorkingDirectory { get; } = workingDirectory;

    /// <summary>A user's path, taken relative to the user's working directory (not the server's).</summary>
    public string Path(string path) => System.IO.Path.GetFullPath(path, WorkingDirectory);
}
