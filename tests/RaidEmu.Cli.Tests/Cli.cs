using System.Diagnostics;

namespace RaidEmu.Cli.Tests;

/// <summary>Runs the real raidemu command in its own process, as a user's shell would.</summary>
internal static class Cli
{
    private static readonly string s_dll = Path.Combine(AppContext.BaseDirectory, "raidemu.dll");

    // The JIT profiles of this test run's processes: never the machine's own cache, which a test must neither
    // depend on nor change.
    private static readonly string s_jitProfiles = Path.Combine(Path.GetTempPath(), $"raidemu-tests-jit-{Environment.ProcessId}");

    /// <summary>Removes this test run's JIT profiles (called once, after every test).</summary>
    public static void RemoveJitProfiles()
    {
        if (Directory.Exists(s_jitProfiles))
        {
            Directory.Delete(s_jitProfiles, recursive: true);
        }
    }

    public static Result Run(params string[] args) => Pipe(null, [], args);

    /// <summary>Runs raidemu with <paramref name="workingDirectory"/> as its current directory (null: the test's).</summary>
    public static Result RunIn(string? workingDirectory, params string[] args) => Pipe(workingDirectory, [], args);

    /// <summary>Runs raidemu with <paramref name="input"/> piped into its standard input, as `producer | raidemu ...` does.</summary>
    public static Result Pipe(byte[] input, params string[] args) => Pipe(null, input, args);

    /// <summary>Runs raidemu with these environment variables set (a null value removes the variable).</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string?> environment, params string[] args) => Pipe(null, [], args, environment);

    private static Result Pipe(string? workingDirectory, byte[] input, string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = StartInfo(args, workingDirectory, environment);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // raidemu stopped reading (it refused the input): its answer is what the test checks.
        }

        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"raidemu {string.Join(' ', args)} did not finish in 120 s");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts raidemu with stdin closed and stdout and stderr redirected; the caller reads them and waits.</summary>
    public static Process Start(params string[] args)
    {
        var info = StartInfo(args, workingDirectory: null, environment: null);
        var process = Process.Start(info)!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>raidemu with every stream redirected, its JIT profiles in this run's folder, and <paramref name="environment"/> on top (null removes a variable).</summary>
    private static ProcessStartInfo StartInfo(string[] args, string? workingDirectory, IReadOnlyDictionary<string, string?>? environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        info.Environment[JitProfile.Switch] = s_jitProfiles;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        info.ArgumentList.Add(s_dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    public sealed record Result(int Code, string Out, string Err)
    {
        public Result Ok()
        {
            Assert.AreEqual(0, Code, $"exit {Code}; stderr: {Err}; stdout: {Out}");
            return this;
        }

        /// <summary>Asserts the exit code and that stderr is exactly one line naming the problem, with no stack trace.</summary>
        public Result Fails(int code, string expected)
        {
            Assert.AreEqual(code, Code, $"stdout: {Out}; stderr: {Err}");
            var lines = Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.AreEqual(1, lines.Length, $"stderr should be one line: {Err}");
            StringAssert.Contains(lines[0], expected);
            Assert.IsFalse(Err.Contains("   at ", StringComparison.Ordinal), $"stack trace leaked: {Err}");
            return this;
        }
    }
}
