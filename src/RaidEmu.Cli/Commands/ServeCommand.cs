using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core;
using RaidEmu.Core.Devices;
using RaidEmu.Core.Devices.Timing;
using RaidEmu.Core.Mdadm;
using RaidEmu.Live.Control;
using RaidEmu.Live.Hosting;

namespace RaidEmu.Cli.Commands;

/// <summary>Runs a command line sent over the control socket inside the serving process.</summary>
internal delegate ControlResponse ControlCommands(ControlRequest request, LiveArrays live, LiveServer server);

/// <summary>serve and stop: a process that owns an array, exports it over NBD and runs CLI commands on it.</summary>
internal static class ServeCommand
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    public static int Run(ServeOptions o, ControlCommands commands)
    {
        var endPoint = ParseEndPoint(o);
        OfflineArrays.RequireFolder(o.Array);
        return o.Foreground
            ? Host(o.Array, "serve", o.ReadOnly, (volume, name) => NbdFrontend.Start(volume, name, endPoint, o.ReadOnly, File.Exists(TimingProfile.PathIn(o.Array))), commands)
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

        // Checked before mounting: a mount inside the array would serve the array over its own files, and one
        // over a directory in use would hide its files until unmounted (fusermount3 refuses it too).
        string folder = Resolved(CommandContext.Current.Path(o.Array)) + "/";
        if ((Resolved(mountPoint) + "/").StartsWith(folder, StringComparison.Ordinal))
        {
            throw new UsageException($"mount point {o.MountPoint} is inside the array folder {o.Array}; choose an empty directory outside it");
        }

        if (Directory.EnumerateFileSystemEntries(mountPoint).Any())
        {
            throw new UsageException($"mount point {o.MountPoint} is not empty; mounting would hide what it holds (choose an empty directory)");
        }

        return o.Foreground
            ? Host(o.Array, "mount", o.ReadOnly, (volume, name) => FuseFrontend.Start(volume, name, o.Array, mountPoint, o.ReadOnly), commands)
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
    private static int Host(string folder, string purpose, bool readOnly, Func<IBlockDevice, string, IFrontend> start, ControlCommands commands)
    {
        using var host = new LiveHost(folder, purpose, locked: ServeLog.TakeOver);
        var server = new LiveServer(host);
        var live = new LiveArrays(host, readOnly);
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

    /// <summary>
    /// Starts "serve --foreground" in a new session and waits until it serves. Its output goes to a file of
    /// ours until it holds the lock, then to the folder's serve.log, where it announces itself with its pid.
    /// </summary>
    private static int StartInBackground(string folder)
    {
        string log = Path.GetFullPath(Path.Combine(folder, ServeLog.FileName));
        string early = Path.GetTempFileName();
        try
        {
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

            info.Environment["LOG"] = early;
            info.Environment[ServeLog.Variable] = log;
            var started = DateTime.UtcNow;
            using var child = Process.Start(info)!;

            // sh and setsid exec, so the server keeps the child's pid.
            string mine = $"(pid {child.Id})";
            var deadline = started + s_startTimeout;
            while (DateTime.UtcNow < deadline)
            {
                string? ready = Lines(log).FirstOrDefault(l => l.StartsWith("serving ", StringComparison.Ordinal) && l.Contains(mine, StringComparison.Ordinal));
                if (ready != null && ControlClient.IsServed(folder))
                {
                    CommandContext.Current.Out.WriteLine(ready);
                    return ExitCodes.Ok;
                }

                if (child.HasExited)
                {
                    // Refused before the lock: the reason is in our file; after it, in the log the server took over.
                    string last = Lines(early).LastOrDefault()
                        ?? (File.Exists(log) && File.GetLastWriteTimeUtc(log) >= started ? Lines(log).LastOrDefault() : null)
                        ?? $"exit code {child.ExitCode}";
                    CommandContext.Current.Err.WriteLine(last.StartsWith("raidemu: ", StringComparison.Ordinal) ? last : $"raidemu: the server did not start: {last}");
                    return ExitCodes.Failed;
                }

                Thread.Sleep(100);
            }

            throw new IOException($"the server did not become ready within {s_startTimeout.TotalSeconds} s; see {log}");
        }
        finally
        {
            File.Delete(early);
        }
    }

    /// <summary>A full path with every symbolic link on it resolved, so that two names of one directory compare equal.</summary>
    private static string Resolved(string fullPath)
    {
        string resolved = "/";
        foreach (string part in fullPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            resolved = Path.Combine(resolved, part);
            if (Directory.ResolveLinkTarget(resolved, returnFinalTarget: true) is { } target)
            {
                resolved = Resolved(target.FullName);
            }
        }

        return resolved.TrimEnd('/');
    }

    private static string[] Lines(string path) =>
        File.Exists(path) ? File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];

    private static EndPoint ParseEndPoint(ServeOptions o)
    {
        if (o.Socket != null && o.Listen != null)
        {
            throw new UsageException("give --listen or --socket, not both");
        }

        if (o.Socket != null)
        {
            // sun_path holds 108 bytes with the terminating NUL.
            string path = CommandContext.Current.Path(o.Socket);
            int bytes = System.Text.Encoding.UTF8.GetByteCount(path);
            return bytes is > 0 and <= 107
                ? new UnixDomainSocketEndPoint(path)
                : throw new UsageException($"--socket {o.Socket}: a Unix socket path can be at most 107 bytes long, this one is {bytes}; choose a shorter one");
        }

        string text = o.Listen ?? "127.0.0.1:10809";
        if (!IPEndPoint.TryParse(text, out var endPoint) || !text.Contains(':', StringComparison.Ordinal))
        {
            throw new UsageException($"--listen '{text}' is not HOST:PORT (for example 127.0.0.1:10809)");
        }

        return endPoint;
    }
}
