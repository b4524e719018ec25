using System.Text.Json;
using System.Text.Json.Serialization;

namespace RaidEmu.Cli.Output;

/// <summary>The one JSON style every --json view uses.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Print<T>(T value) => OutputTarget.Current.Out.WriteLine(JsonSerializer.Serialize(value, Options));

    /// <summary>The --json view when asked for, else the text view.</summary>
    public static void PrintOr<T>(bool json, T value, Action<T> text)
    {
        if (json)
        {
            Print(value);
        }
        else
        {
            text(value);
        }
    }
}
