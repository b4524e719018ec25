using RaidEmu.Core.Power;

namespace RaidEmu.Cli.Commands;

/// <summary>An array's power subsystem opened for a command; disposing saves it (when changed) and releases what opening took.</summary>
internal sealed class PowerHandle(PowerSubsystem power, string folder, bool save, Action release) : IDisposable
{
    public PowerSubsystem Power { get; } = power;

    public void Dispose()
    {
        try
        {
            if (save)
            {
                PowerFolder.Save(folder, Power);
            }
        }
        finally
        {
            release();
        }
    }
}
