namespace RaidEmu.Live.Control;

/// <summary>What the command printed and its exit code, as it would have been offline.</summary>
/// <param name="Code">Exit code.</param>
/// <param name="Out">Standard output.</param>
/// <param name="Err">Standard error.</param>
public sealed record ControlResponse(int Code, string Out, string Err);
