using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>
/// A raidemu server started in the background for one test. Disposing stops it with 'raidemu stop' and,
/// should that fail, kills it, so no server outlives its test.
/// </summary>
internal sealed partial class Server : IDisposable
{
    private readonly string _array;

    private Server(string array, string ready)
    {
        _array = array;
        Ready = ready;
        Pid = int.Parse(PidPattern().Match(ready).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var port = PortPattern().Match(ready);
        Port = port.Success ? int.Parse(port.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    public string Ready { get; }

    public int Pid { get; }

    public int Port { get; }

    public string Uri => $"nbd://127.0.0.1:{Port}";

    public bool Stopped { get; private set; }

    public static Server Serve(string array, params string[] options) =>
        new(array, Cli.Run(["serve", array, "--listen", "127.0.0.1:0", .. options]).Ok().Out);

    /// <summary>The server's peak resident set (VmHWM) in bytes.</summary>
    public long PeakRss()
    {
        string line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Waits (bounded) for the server process to end; false when it is still running.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        try
        {
            using var process = Process.GetProcessById(Pid);
            return process.WaitForExit(timeout);
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    public static Server Mount(string array, string mountPoint) => new(array, Cli.Run("mount", array, mountPoint).Ok().Out);

    public void Kill()
    {
        using var process = Process.GetProcessById(Pid);
        process.Kill();
        process.WaitForExit(30_000);
        Stopped = true;
    }

    /// <summary>Stops the server with 'raidemu stop', which must succeed, and waits for the process to end.</summary>
    public void Stop()
    {
        Cli.Run("stop", _array).Ok();
        Stopped = true;
        Assert.IsTrue(WaitForExit(TimeSpan.FromSeconds(30)), "the server process outlived its stop");
    }

    public void Dispose()
    {
        if (Stopped)
        {
            return;
        }

        Stopped = true;
        var result = Cli.Run("stop", _array);
        try
        {
            using var process = Process.GetProcessById(Pid);
            if (!process.WaitForExit(30_000))
            {
                process.Kill();
            }
        }
        catch (ArgumentException)
        {
            // Already gone.
        }

        // A test that already stopped the server (unmount) leaves nothing to stop.
        if (!result.Err.Contains("no process is serving", StringComparison.Ordinal))
        {
            Assert.AreEqual(0, result.Code, $"stop failed: {result.Err}");
        }
    }

    [GeneratedRegex(@"\(pid (\d+)\)")]
    private static partial Regex PidPattern();

    [GeneratedRegex(@"127\.0\.0\.1:(\d+)")]
    private static partial Regex PortPattern();
}
