using RaidEmu.Cli.Commands;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Live.Control;

namespace RaidEmu.Cli;

/// <summary>
/// The raidemu command. A verb on an array that a process is serving is sent to that process through the
/// array's control socket and runs there on the live array; everything else runs here.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        JitProfile.Start(args);
        if (Runner.Parse(args, out int code) is not { } options)
        {
            return code;
        }

        string? served = options switch
        {
            CreateOptions or ServeOptions or MountOptions => null,
            ArrayOptions a => a.Array,
            PsuOptions p => p.Array,
            FaultOptions f => f.Array,
            _ => null,
        };

        // No control socket, no server: checked here so that an offline verb never loads the socket and JSON code.
        if (served is { } folder && File.Exists(Path.Combine(folder, ControlServer.FileName)))
        {
            return SendOrRun(options, args, folder);
        }

        return Runner.Execute(options);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int SendOrRun(object options, string[] args, string folder)
    {
        try
        {
            var request = new ControlRequest(args, Environment.CurrentDirectory);
            var answer = options is RebuildOptions { Wait: true } && ControlClient.IsServed(folder)
                ? LiveProgress.Send(folder, request)
                : ControlClient.TrySend(folder, request);
            if (answer is { } response)
            {
                Console.Out.Write(response.Out);
                Console.Error.Write(response.Err);
                return options is StopOptions && response.Code == 0 ? ServeCommand.WaitStopped(folder) : response.Code;
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            Console.Error.WriteLine($"raidemu: {ex.Message}");
            return ExitCodes.Failed;
        }

        return Runner.Execute(options);
    }
}
