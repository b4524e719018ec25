using RaidEmu.Core.Md;

namespace RaidEmu.Core.Scenarios;

/// <summary>
/// Runs a pending recovery or resync a fixed number of sync units at a time, on the caller's thread: the
/// sync loop reports each unit synchronously, the stepper cancels after the last one it may run, and the
/// loop checkpoints and stops. The next step resumes from the checkpoint. No timer is involved, so the
/// interleaving of sync units and workload writes is the same on every run.
/// </summary>
internal sealed class SyncStepper(int units, CancellationTokenSource stop) : IProgress<SyncProgress>
{
    private int _left = units;

    /// <summary>Runs up to <paramref name="units"/> units of <paramref name="array"/>'s pending sync (all of it when 0).</summary>
    /// <exception cref="IOException">The array failed during the sync.</exception>
    public static void Step(RaidArray array, int units)
    {
        if (array.PendingSync == null)
        {
            return;
        }

        using var stop = new CancellationTokenSource();
        try
        {
            array.RunSync(units > 0 ? new SyncStepper(units, stop) : null, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The step's units are done; the sync stays pending and resumes at the next step.
        }
    }

    /// <inheritdoc />
    public void Report(SyncProgress value)
    {
        if (--_left <= 0)
        {
            stop.Cancel();
        }
    }
}
