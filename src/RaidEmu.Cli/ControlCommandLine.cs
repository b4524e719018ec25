using System.Globalization;
using RaidEmu.Cli.Commands;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Live.Control;
using RaidEmu.Live.Hosting;

namespace RaidEmu.Cli;

/// <summary>
/// The CLI inside a serving process: each control request is a raidemu command line, run with its own
/// context so it acts on the live array and its output travels back to the client.
/// </summary>
internal static class ControlCommandLine
{
    /// <summary>Parses and runs <paramref name="request"/> on the live array; stop and a second serve are answered here.</summary>
    public static ControlResponse Run(ControlRequest request, LiveArrays live, LiveServer server)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var context = new CommandContext(output, error, live, request.Cwd, isTerminal: false);
        int code = context.Run(() =>
        {
            if (Runner.Parse(request.Args, out int parseCode) is not { } options)
            {
                return parseCode;
            }

            switch (options)
            {
                case StopOptions:
                    if (!server.TryStop(out string problem))
                    {
                        error.WriteLine($"raidemu: {problem}; still serving");
                        return ExitCodes.Failed;
                    }

                    output.WriteLine("stopping");
                    return ExitCodes.Ok;
                case ServeOptions or MountOptions:
                    error.WriteLine($"raidemu: {server.Host.Folder} is already served by process {Environment.ProcessId}");
                    return ExitCodes.Failed;
                default:
                    return Runner.Execute(options);
            }
        });
        return new ControlResponse(code, output.ToString(), error.ToString());
    }
}
