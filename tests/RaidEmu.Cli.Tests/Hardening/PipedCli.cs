using System.Diagnostics;

namespace RaidEmu.Cli.Tests.Hardening;

/// <summary>Runs raidemu with bytes piped into its standard input, as `producer | raidemu ...` does.</summary>
internal static class PipedCli
{
    private static readonly string s_dll = Path.Combine(AppContext.BaseDirectory, "raidemu.dll");

    public static Cli.Result Run(byte[] input, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        info.ArgumentList.Add(s_dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

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

        return new Cli.Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
