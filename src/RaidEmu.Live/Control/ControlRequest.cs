namespace RaidEmu.Live.Control;

/// <summary>A command line sent to the process serving an array, with the sender's working directory.</summary>
/// <param name="Args">The raidemu arguments, as typed.</param>
/// <param name="Cwd">Where relative paths in them start.</param>
public sealed record ControlRequest(string[] Args, string Cwd);
