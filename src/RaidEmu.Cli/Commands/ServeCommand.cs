using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Arrays;
using RaidEmu.Live.Control;
using RaidEmu.Live.Nbd;

namespace RaidEmu.Cli.Commands;

/// <summary>serve and stop: a process that owns an array, exports it over NBD and runs CLI commands on it.</summary>
internal static class ServeCommand
{
    public const string LogFileName = "serve.log";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    public static int Run(ServeOptions o)
    {
        var endPoint = ParseEndPoint(o);
        OfflineArrays.RequireFolder(o.Array);
        return o.Foreground ? ServeHere(o, endPoint) : StartInBackground(o);
    }

    public static int Stop(StopOptions o)
    {
        // Reaching here means no live server answered on the control socket.
        OfflineArrays.RequireFolder(o.Array);
        throw new InvalidOperationException($"no process is serving {o.Array}");
    }

    /// <summary>After a server accepted "stop": wait until it has let go of the array.</summary>
    public static int WaitStopped(string folder)
    {
        var deadline = DateTime.UtcNow + s_startTimeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (!ControlClient.IsServed(folder))
                {
                    ArrayLock.Acquire(folder, "raidemu stop").Dispose();
                    Console.Out.WriteLine($"stopped; {folder} is clean and free");
                    return Runner.Ok;
                }
            }
            catch (ArrayBusyException)
            {
            }

            Thread.Sleep(100);
        }

        Console.Error.WriteLine($"raidemu: the server of {folder} did not stop within {s_startTimeout.TotalSeconds} s");
        return Runner.Failed;
    }

    private static int ServeHere(ServeOptions o, EndPoint endPoint)
    {
        using var handle = OfflineArrays.Instance.Open(o.Array, "serve");
        var array = handle.Array;
        array.AutoRecover = true;
        if (array.PendingSync != null)
        {
            array.StartBackgroundSync();
        }

        var stopping = new TaskCompletionSource();
        var live = new LiveArrays(array, o.Array);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopping.TrySetResult(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stopping.TrySetResult(); });
        var control = ControlServer.Start(o.Array, request => Handle(request, live, stopping));
        NbdServer nbd;
        try
        {
            nbd = NbdServer.Start(array, array.Name, endPoint, o.ReadOnly);
        }
        catch (SocketException ex)
        {
            control.DisposeAsync().AsTask().Wait();
            throw new IOException($"cannot listen on {Describe(endPoint)}: {ex.Message}", ex);
        }

        var context = CommandContext.Current;
        context.Out.WriteLine($"serving {o.Array} as NBD export '{array.Name}' on {Describe(nbd.EndPoint)} (pid {Environment.ProcessId}); stop with 'raidemu stop {o.Array}'");
        context.Out.Flush();
        stopping.Task.Wait();

        nbd.DisposeAsync().AsTask().Wait();
        control.DisposeAsync().AsTask().Wait();
        array.Flush();
        context.Out.WriteLine("stopped: array flushed and marked clean");
        return Runner.Ok;
    }

    private static ControlResponse Handle(ControlRequest request, LiveArrays live, TaskCompletionSource stopping)
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
                    output.WriteLine("stopping");
                    stopping.TrySetResult();
                    return Runner.Ok;
                case ServeOptions:
                    error.WriteLine($"raidemu: {live.Array.Name} is already served by process {Environment.ProcessId}");
                    return Runner.Failed;
                default:
                    return Runner.Execute(options);
            }
        });
        return new ControlResponse(code, output.ToString(), error.ToString());
    }

    /// <summary>Starts "serve --foreground" in a new session with its output in the folder's serve.log, and waits until it serves.</summary>
    private static int StartInBackground(ServeOptions o)
    {
        string log = Path.Combine(o.Array, LogFileName);
        File.WriteAllText(log, "");
        var self = new List<string> { Environment.ProcessPath! };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            self.Add(typeof(Program).Assembly.Location);
        }

        self.AddRange(Environment.GetCommandLineArgs().Skip(1));
        self.Add("--foreground");
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec setsid \"$@\" >>\"$LOG\" 2>&1 </dev/null");
        info.ArgumentList.Add("sh");
        foreach (string arg in self)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["LOG"] = log;
        using var child = Process.Start(info)!;
        var deadline = DateTime.UtcNow + s_startTimeout;
        while (DateTime.UtcNow < deadline)
        {
            string text = File.ReadAllText(log);
            string? ready = text.Split('\n').FirstOrDefault(l => l.StartsWith("serving ", StringComparison.Ordinal));
            if (ready != null && ControlClient.IsServed(o.Array))
            {
                CommandContext.Current.Out.WriteLine(ready);
                return Runner.Ok;
            }

            if (child.HasExited)
            {
                string last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit code {child.ExitCode}";
                CommandContext.Current.Err.WriteLine(last.StartsWith("raidemu: ", StringComparison.Ordinal) ? last : $"raidemu: the server did not start: {last}");
                return Runner.Failed;
            }

            Thread.Sleep(100);
        }

        throw new IOException($"the server did not become ready within {s_startTimeout.TotalSeconds} s; see {log}");
    }

    private static EndPoint ParseEndPoint(ServeOptions o)
    {
        if (o.Socket != null && o.Listen != null)
        {
            throw new UsageException("give --listen or --socket, not both");
        }

        if (o.Socket != null)
        {
            return new UnixDomainSocketEndPoint(CommandContext.Current.Path(o.Socket));
        }

        string text = o.Listen ?? "127.0.0.1:10809";
        if (!IPEndPoint.TryParse(text, out var endPoint) || !text.Contains(':', StringComparison.Ordinal))
        {
            throw new UsageException($"--listen '{text}' is not HOST:PORT (for example 127.0.0.1:10809)");
        }

        return endPoint;
    }

    private static string Describe(EndPoint endPoint) => endPoint switch
    {
        UnixDomainSocketEndPoint unix => $"unix socket {unix}",
        _ => endPoint.ToString()!,
    };
}
