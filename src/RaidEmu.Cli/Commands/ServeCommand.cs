using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Mdadm;
using RaidEmu.Live.Control;

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
        return o.Foreground
            ? Host(o.Array, "serve", (volume, name) => NbdFrontend.Start(volume, name, endPoint, o.ReadOnly))
            : StartInBackground(o.Array);
    }

    public static int Mount(MountOptions o)
    {
        OfflineArrays.RequireFolder(o.Array);
        string mountPoint = CommandContext.Current.Path(o.MountPoint);
        if (!Directory.Exists(mountPoint))
        {
            throw new UsageException($"mount point {o.MountPoint} does not exist; create an empty directory first");
        }

        return o.Foreground
            ? Host(o.Array, "mount", (volume, name) => FuseFrontend.Start(volume, name, o.Array, mountPoint, o.ReadOnly))
            : StartInBackground(o.Array);
    }

    public static int Stop(StopOptions o)
    {
        // Reaching here means no live server answered on the control socket.
        OfflineArrays.RequireFolder(o.Array);
        throw new InvalidOperationException($"no process is serving {o.Array}");
    }

    public static int Unmount(UnmountOptions o)
    {
        string mountPoint = Path.GetFullPath(o.MountPoint).TrimEnd('/');
        string folder = MountTable.FolderOf(mountPoint, FuseFrontend.FsNamePrefix)
            ?? throw new InvalidOperationException($"{o.MountPoint} is not a raidemu mount");
        var response = ControlClient.TrySend(folder, new ControlRequest(["stop", folder], Environment.CurrentDirectory))
            ?? throw new InvalidOperationException($"the process serving {o.MountPoint} is gone; run 'fusermount3 -u {o.MountPoint}'");
        CommandContext.Current.Out.Write(response.Out);
        CommandContext.Current.Err.Write(response.Err);
        return response.Code == 0 ? WaitStopped(folder) : response.Code;
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

    /// <summary>
    /// Owns the array (its lock), serves it through <paramref name="start"/>'s front end and the control
    /// socket until stopped, then flushes and marks it clean. Recovery runs in the background throughout.
    /// </summary>
    private static int Host(string folder, string purpose, Func<IBlockDevice, string, IFrontend> start)
    {
        using var host = new LiveHost(folder, purpose);
        var stopped = new TaskCompletionSource();
        var live = new LiveArrays(host);
        IFrontend? frontend = null;
        bool TryStop(out string problem)
        {
            problem = "";
            if (frontend != null && !frontend.TryStop(out problem))
            {
                return false;
            }

            stopped.TrySetResult();
            return true;
        }

        var context = CommandContext.Current;
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            if (!TryStop(out string problem))
            {
                context.Err.WriteLine($"raidemu: still serving: {problem}");
            }
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        var control = ControlServer.Start(folder, request => Handle(request, live, TryStop));
        try
        {
            frontend = start(host.Volume, host.Volume.Current!.Name);
            context.Out.WriteLine($"serving {folder} {frontend.Ready} (pid {Environment.ProcessId}); stop with 'raidemu stop {folder}'");
            context.Out.Flush();
            stopped.Task.Wait();
        }
        finally
        {
            control.DisposeAsync().AsTask().Wait();
        }

        context.Out.WriteLine(host.Volume.Current != null ? "stopped: array flushed and marked clean" : "stopped: the array was down");
        return Runner.Ok;
    }

    private delegate bool StopRequest(out string problem);

    private static ControlResponse Handle(ControlRequest request, LiveArrays live, StopRequest stop)
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
                    if (!stop(out string problem))
                    {
                        error.WriteLine($"raidemu: {problem}; still serving");
                        return Runner.Failed;
                    }

                    output.WriteLine("stopping");
                    return Runner.Ok;
                case ServeOptions or MountOptions:
                    error.WriteLine($"raidemu: {live.Host.Folder} is already served by process {Environment.ProcessId}");
                    return Runner.Failed;
                default:
                    return Runner.Execute(options);
            }
        });
        return new ControlResponse(code, output.ToString(), error.ToString());
    }

    /// <summary>Starts "serve --foreground" in a new session with its output in the folder's serve.log, and waits until it serves.</summary>
    private static int StartInBackground(string folder)
    {
        string log = Path.Combine(folder, LogFileName);
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
            if (ready != null && ControlClient.IsServed(folder))
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
}
