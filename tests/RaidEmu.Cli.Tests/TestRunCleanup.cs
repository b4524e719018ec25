namespace RaidEmu.Cli.Tests;

/// <summary>What the whole test run leaves behind outside the folders of single tests.</summary>
[TestClass]
public static class TestRunCleanup
{
    [AssemblyCleanup]
    public static void RemoveSharedFolders() => Cli.RemoveJitProfiles();
}
