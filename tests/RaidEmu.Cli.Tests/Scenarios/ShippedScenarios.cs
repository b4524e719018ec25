using System.Text.Json;

namespace RaidEmu.Cli.Tests.Scenarios;

/// <summary>Finds benchmarks/scenarios in the source tree and runs a scenario through the real command.</summary>
internal static class ShippedScenarios
{
    public static string PathOf(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "benchmarks", "scenarios", name + ".json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"benchmarks/scenarios/{name}.json not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Runs the file with --json, asserts exit 0, and returns the report.</summary>
    public static JsonElement Run(string file)
    {
        var result = Cli.Run("scenario", "run", file, "--json").Ok();
        Assert.AreEqual("", result.Err, "a passing scenario writes nothing on stderr");
        return JsonDocument.Parse(result.Out).RootElement.Clone();
    }

    public static IReadOnlyList<(string Type, int? Member)> Events(JsonElement report) =>
        [.. report.GetProperty("timeline").EnumerateArray().Select(e => (
            e.GetProperty("type").GetString()!,
            e.TryGetProperty("member", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : (int?)null))];
}
