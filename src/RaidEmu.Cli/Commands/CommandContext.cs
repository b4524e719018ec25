namespace RaidEmu.Cli.Commands;

/// <summary>
/// Where a command writes and how it reaches arrays. A plain run uses the console and the files; inside a
/// serving process each control request gets its own context, so the same command code acts on the live
/// array and its output travels back to the client.
/// </summary>
internal sealed class CommandContext
{
    private static readonly AsyncLocal<CommandContext?> s_current = new();

    public CommandContext(TextWriter output, TextWriter error, IArrayAccess arrays, string workingDirectory, bool isTerminal)
    {
        Out = output;
        Err = error;
        Arrays = arrays;
        WorkingDirectory = workingDirectory;
        IsTerminal = isTerminal;
    }

    public static CommandContext Current => s_current.Value ??= new CommandContext(
        Console.Out, Console.Error, OfflineArrays.Instance, Environment.CurrentDirectory, !Console.IsOutputRedirected);

    public TextWriter Out { get; }

    public TextWriter Err { get; }

    public IArrayAccess Arrays { get; }

    public string WorkingDirectory { get; }

    /// <summary>Progress bars and colours only when a person is watching.</summary>
    public bool IsTerminal { get; }

    /// <summary>Runs <paramref name="action"/> with this context as the current one.</summary>
    public T Run<T>(Func<T> action)
    {
        var previous = s_current.Value;
        s_current.Value = this;
        try
        {
            return action();
        }
        finally
        {
            s_current.Value = previous;
        }
    }

    /// <summary>A user's path, taken relative to the user's working directory (not the server's).</summary>
    public string Path(string path) => System.IO.Path.GetFullPath(path, WorkingDirectory);
}
