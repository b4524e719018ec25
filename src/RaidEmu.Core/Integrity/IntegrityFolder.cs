using System.Text.Json;
using System.Text.Json.Nodes;

namespace RaidEmu.Core.Integrity;

/// <summary>
/// The array folder's note of its checksum algorithm, <c>integrity.json</c>. It is what makes a missing
/// member sidecar an error rather than an array without checksums; an array without the note has none.
/// </summary>
public static class IntegrityFolder
{
    /// <summary>The note's file name.</summary>
    public const string FileName = "integrity.json";

    /// <summary>The note's path in <paramref name="folder"/>.</summary>
    public static string NotePath(string folder) => Path.Combine(folder, FileName);

    /// <summary>The algorithm the array in <paramref name="folder"/> keeps; <see cref="IntegrityAlgorithm.None"/> without a note.</summary>
    /// <exception cref="IntegrityFileException">The note is there but unreadable.</exception>
    public static IntegrityAlgorithm Load(string folder)
    {
        string path = NotePath(folder);
        if (!File.Exists(path))
        {
            return IntegrityAlgorithm.None;
        }

        try
        {
            string? name = JsonNode.Parse(File.ReadAllText(path))?["algorithm"]?.GetValue<string>();
            if (name != null && BlockTags.Parse(name) is { } algorithm and not IntegrityAlgorithm.None)
            {
                return algorithm;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new IntegrityFileException($"{path} is damaged: {ex.Message}. Write it again as {{\"algorithm\": \"xxh3\"}} (or crc32c, as the members' .integrity files say)", ex);
        }

        throw new IntegrityFileException($"{path} is damaged: it names no algorithm this build knows (xxh3, crc32c). Write it again as {{\"algorithm\": \"xxh3\"}} (or crc32c, as the members' .integrity files say)");
    }

    /// <summary>Notes <paramref name="algorithm"/> for the array in <paramref name="folder"/>.</summary>
    public static void Save(string folder, IntegrityAlgorithm algorithm) =>
        File.WriteAllText(NotePath(folder), new JsonObject { ["algorithm"] = BlockTags.Name(algorithm), ["blockBytes"] = BlockTags.BlockBytes }.ToJsonString() + "\n");
}
