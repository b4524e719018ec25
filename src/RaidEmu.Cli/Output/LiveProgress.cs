using System.Text.Json;
using RaidEmu.Live.Control;
using Spectre.Console;

namespace RaidEmu.Cli.Output;

/// <summary>
/// A progress bar for a request that blocks inside a serving process (rebuild --wait): the client asks the
/// server for status on a second connection while the first one waits.
/// </summary>
internal static class LiveProgress
{
    public static ControlResponse? Send(string folder, ControlRequest request)
    {
        if (Console.IsOutputRedirected)
        {
            return ControlClient.TrySend(folder, request);
        }

        ControlResponse? response = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var bar = context.AddTask("rebuild", maxValue: 1);
                var waiting = Task.Run(() => ControlClient.TrySend(folder, request));
                while (!waiting.Wait(300))
                {
                    if (Poll(folder) is { } progress)
                    {
                        bar.Description = progress.Kind;
                        bar.MaxValue = progress.Total;
                        bar.Value = progress.Done;
                    }
                }

                bar.Value = bar.MaxValue;
                response = waiting.Result;
            });
        return response;
    }

    private static (string Kind, long Done, long Total)? Poll(string folder)
    {
        var status = ControlClient.TrySend(folder, new ControlRequest(["status", folder, "--json"], Environment.CurrentDirectory));
        if (status is not { Code: 0 })
        {
            return null;
        }

        var root = JsonDocument.Parse(status.Out).RootElement;
        foreach (string kind in new[] { "recovery", "resync" })
        {
            if (root.TryGetProperty(kind, out var range))
            {
                return (kind, range.GetProperty("offsetBytes").GetInt64(), range.GetProperty("totalBytes").GetInt64());
            }
        }

        return null;
    }
}
