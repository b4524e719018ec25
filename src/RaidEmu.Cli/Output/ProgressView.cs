using RaidEmu.Core.Md;
using Spectre.Console;

namespace RaidEmu.Cli.Output;

/// <summary>A progress bar with rate and time left when stdout is a terminal; silence otherwise, so scripts see stable text.</summary>
internal static class ProgressView
{
    public static bool IsTerminal => OutputTarget.Current.IsTerminal;

    public static void Run(string title, long total, Action<IProgress<SyncProgress>?> work)
    {
        if (!IsTerminal || total <= 0)
        {
            work(null);
            return;
        }

        RunWithBar(title, total, work);
    }

    // Apart, so that a run without a terminal never loads Spectre.Console (milliseconds of every short verb).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void RunWithBar(string title, long total, Action<IProgress<SyncProgress>?> work)
    {
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(title, maxValue: total);
                work(new Reporter(task));
                task.Value = task.MaxValue;
            });
    }

    private sealed class Reporter(ProgressTask task) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value)
        {
            task.MaxValue = value.TotalBytes;
            task.Value = value.DoneBytes;
        }
    }
}
