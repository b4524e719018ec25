using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Mdadm;
using RaidEmu.Live.Control;
using RaidEmu.Live.Hosting;

namespace RaidEmu.Cli.Commands;

/// <summary>Runs a command line sent over the control socket inside the serving process.</summary>
internal delegate ControlResponse ControlCommands(ControlRequest request, LiveArrays live, LiveServer server);

/// <summary>serve and stop: a process that owns an array, exports it over NBD and runs CLI commands on it.</summary>
internal static class ServeCommand
{
    public const string LogFileName = "serve.log";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    public static int Run(ServeOptions o, ControlCommands commands)
    {
        var endPoint = ParseEndPoint(o);
        OfflineArrays.RequireFolder(o.Array);
        return o.Foreground
            ? Host(o.Array, "serve", (volume, name) => NbdFrontend.Start(volume, name, endPoint, o.ReadOnly), commands)
            : StartInBackground(o.Array);
    }

    public static int Mount(MountOptions o, ControlCommands commands)
    {
        OfflineArrays.RequireFolder(o.Array);
        string mountPoint = CommandContext.Current.Path(o.MountPoint);
        if (!Directory.Exists(mountPoint))
        {
            throw new UsageException($"mount point {o.MountPoint} does not exist; create an empty directory first");
        }

        return o.Foreground
            ? Host(o.Array, "mount", (volume, name) => FuseFrontend.Start(volume, name, o.Array, mountPoint, o.ReadOnly), commands)
            : StartInBackground(o.Array);
    }

    public static int Stop(StopOptions o)
    {
        // Reaching here means no live server answered on the control socket.
        OfflineArrays.RequireFolder(o.Array);
        throw new ArrayRefusedException($"no process is serving {o.Array}");
    }

    public static int Unmount(UnmountOptions o)
    {
        string mountPoint = Path.GetFullPath(o.MountPoint).TrimEnd('/');
        string folder = MountTable.FolderOf(mountPoint, FuseFrontend.FsNamePrefix)
            ?? throw new ArrayRefusedException($"{o.MountPoint} is not a raidemu mount");
        var response = ControlClient.TrySend(folder, new ControlRequest(["stop", folder], Environment.CurrentDirectory))
            ?? throw new ArrayRefusedException($"the process serving {o.MountPoint} is gone; run 'fusermount3 -u {o.MountPoint}'");
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
                    return ExitCodes.Ok;
                }
            }
            catch (ArrayBusyException)
            {
            }

            Thread.Sleep(100);
        }

        Console.Error.WriteLine($"raidemu: the server of {folder} did not stop within {s_startTimeout.TotalSeconds} s");
        return ExitCodes.Failed;
    }

    /// <summary>
    /// Owns the array (its lock), serves it through <paramref name="start"/>'s front end and the control
    /// socket until stopped, then flushes and marks it clean. Recovery runs in the background throughout.
    /// </summary>
    private static int Host(string folder, string purpose, Func<IBlockDevice, string, IFrontend> start, ControlCommands commands)
    {
        using var host = new LiveHost(folder, purpose);
        var server = new LiveServer(host);
        var live = new LiveArrays(host);
        var context = CommandContext.Current;
        server.Run(
            volume => start(volume, volume.Current!.Name),
            request => commands(request, live, server),
            ready: frontend =>
            {
                context.Out.WriteLine($"serving {folder} {frontend.Ready} (pid {Environment.ProcessId}); stop with 'raidemu stop {folder}'");
                context.Out.Flush();
            },
            stillServing: problem => context.Err.WriteLine($"raidemu: still serving: {problem}"));
        context.Out.WriteLine(host.Volume.Current != null ? "stopped: array flushed and marked clean" : "stopped: the array was down");
        return ExitCodes.Ok;
    }

    /// <summary>Starts "serve --foreground" in a new session with its output in the folder's serve.log, and waits until it serves.</summary>
    private static int StartInBackground(string folder)
    {
        string log = Path.Combine(folder, LogFileName);
        File.WriteAllText(log, "");
        var self = new List<string> { Environment.ProcessPath! };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            self.Add(typeof(ServeCommand).Assembly.Location);
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
                return ExitCodes.Ok;
            }

            if (child.HasExited)
            {
                string last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit code {child.ExitCode}";
                CommandContext.Current.Err.WriteLine(last.StartsWith("raidemu: ", StringComparison.Ordinal) ? last : $"raidemu: the server did not start: {last}");
                return ExitCodes.Failed;
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
