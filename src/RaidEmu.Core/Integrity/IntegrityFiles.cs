namespace RaidEmu.Core.Integrity;

/// <summary>Where an array folder keeps its integrity files.</summary>
public static class IntegrityFiles
{
    /// <summary>Suffix of a member's sidecar: <c>disk0.img.integrity</c> beside <c>disk0.img</c>.</summary>
    public const string Suffix = ".integrity";

    /// <summary>The sidecar of the member file <paramref name="memberPath"/>.</summary>
    public static string SidecarPath(string memberPath) => memberPath + Suffix;
}
