namespace RaidEmu.Cli.Output;

/// <summary>What raidemu's exit code tells a script.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Refused or failed: the array, its power or the system said no.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: the command line itself is wrong.</summary>
    public const int Usage = 2;
}
