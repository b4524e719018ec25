using RaidEmu.Core.Faults;

namespace RaidEmu.Core.Mdadm;

/// <summary>
/// Saves an opened array's fault set whenever it changes, so what the member devices change themselves (a
/// sector remapped by a write, a fail-after that ran out, a vanish that ended) outlives the process.
/// </summary>
internal static class FaultAutoSave
{
    /// <summary>Saves <paramref name="faults"/> to <paramref name="folder"/> on every change from now on.</summary>
    public static void Attach(FaultSet faults, string folder)
    {
        var gate = new Lock();
        faults.Changed += (_, _) =>
        {
            lock (gate)
            {
                try
                {
                    faults.Save(folder);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The change runs on a member I/O path, which must not fail for it; the set in memory is
                    // right, and the next change saves it again.
                }
            }
        };
    }
}
