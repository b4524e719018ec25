using System.Runtime.InteropServices;
using RaidEmu.Live.Control;

namespace RaidEmu.Live.Hosting;

/// <summary>
/// A serving process's run: one front end for clients and the control socket for commands, until a stop
/// request or SIGTERM/SIGINT lets the front end go. The commands are handed in by the caller (the CLI runs
/// its own verbs on the live array), so serving does not depend on the command line.
/// </summary>
public sealed class LiveServer(LiveHost host)
{
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile IFrontend? _frontend;

    /// <summary>The array served.</summary>
    public LiveHost Host { get; } = host;

    /// <summary>Ends the run; false, still serving, when the front end cannot let its clients go yet.</summary>
    public bool TryStop(out string problem)
    {
        problem = "";
        if (_frontend is { } frontend && !frontend.TryStop(out problem))
        {
            return false;
        }

        _stopped.TrySetResult();
        return true;
    }

    /// <summary>
    /// Serves until stopped. <paramref name="ready"/> gets the front end once clients can connect;
    /// <paramref name="stillServing"/> gets the reason a signal could not stop the server.
    /// </summary>
    public void Run(
        Func<LiveVolume, IFrontend> start,
        Func<ControlRequest, ControlResponse> commands,
        Action<IFrontend> ready,
        Action<string> stillServing)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(ready);
        ArgumentNullException.ThrowIfNull(stillServing);
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            string problem;
            try
            {
                if (TryStop(out problem))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or AggregateException)
            {
                // A signal handler that throws ends the process with a stack trace and the array dirty.
                problem = ex.Message;
            }

            stillServing(problem);
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        var control = ControlServer.Start(Host.Folder, request =>
        {
            try
            {
                Host.Volume.BeforeCommand();
                return commands(request);
            }
            finally
            {
                // Any command may have changed what clients read (write, a corrupt or unreadable fault, start).
                Host.Volume.ChangedBehindClients();
            }
        });
        try
        {
            _frontend = start(Host.Volume);
            ready(_frontend);
            _stopped.Task.Wait();
        }
        finally
        {
            control.DisposeAsync().AsTask().Wait();
        }
    }
}
