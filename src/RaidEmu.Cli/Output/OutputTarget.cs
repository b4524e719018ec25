namespace RaidEmu.Cli.Output;

/// <summary>
/// Where a command's output goes: the console, or (inside a serving process) the buffers that travel back
/// to the client of one control request. Views print to <see cref="Current"/>.
/// </summary>
internal class OutputTarget(TextWriter output, TextWriter error, bool isTerminal)
{
    private static readonly AsyncLocal<OutputTarget?> s_current = new();

    /// <summary>The target of the command running on this flow, or null outside any <see cref="Run{T}"/>.</summary>
    public static OutputTarget? Running => s_current.Value;

    /// <summary>The running command's target, else the console.</summary>
    public static OutputTarget Current => s_current.Value ?? Console;

    private static OutputTarget Console { get; } = new(System.Console.Out, System.Console.Error, !System.Console.IsOutputRedirected);

    public TextWriter Out { get; } = output;

    public TextWriter Err { get; } = error;

    /// <summary>Progress bars and colours only when a person is watching.</summary>
    public bool IsTerminal { get; } = isTerminal;

    /// <summary>Runs <paramref name="action"/> with this target as the current one.</summary>
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
}
