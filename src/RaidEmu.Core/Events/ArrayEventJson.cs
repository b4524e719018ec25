using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RaidEmu.Core.Events;

/// <summary>
/// One <see cref="ArrayEvent"/> as one JSON line, written and read by hand. The reflection serializer builds its
/// metadata for the record at run time (property accessors emitted, generics over <see cref="Guid"/>,
/// <see cref="DateTimeOffset"/> and <see cref="ulong"/> compiled): about 280 methods in every short command that
/// logs or reads an event. The text is the serializer's own: same names, order, escaping and formats.
/// </summary>
internal static class ArrayEventJson
{
    // The text fields, in the order the record's constructor and initializers take them.
    private static readonly string[] s_texts = ["type", "details", "supply", "redfish", "ipmi"];

    /// <summary>The line for <paramref name="entry"/>, with its newline, in UTF-8.</summary>
    public static byte[] Line(ArrayEvent entry) => Plain(entry) ? PlainLine(entry) : WrittenLine(entry);

    /// <summary>
    /// True when no text of the event holds a character the serializer escapes, so the line can be put together
    /// as it is. The first <see cref="Utf8JsonWriter"/> of a process compiles its escaping code (about 15 ms of
    /// every short command that logs an event); an event with any other text still goes through it.
    /// </summary>
    private static bool Plain(ArrayEvent entry) =>
        IsPlain(entry.Type) && IsPlain(entry.Details) && IsPlain(entry.Supply) && IsPlain(entry.Redfish) && IsPlain(entry.Ipmi);

    private static bool IsPlain(string? text)
    {
        foreach (char c in text ?? "")
        {
            // Printable ASCII less what the default encoder escapes: the quote, the backslash and the HTML-sensitive ones.
            if (c is < ' ' or > '~' or '"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`')
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] PlainLine(ArrayEvent entry)
    {
        var inv = CultureInfo.InvariantCulture;
        var line = new StringBuilder(256)
            .Append("{\"time\":\"").Append(entry.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", inv))
            .Append("\",\"array\":\"").Append(entry.Array.ToString("D", inv))
            .Append("\",\"type\":\"").Append(entry.Type)
            .Append("\",\"member\":").Append(entry.Member is int member ? member.ToString(inv) : "null")
            .Append(",\"details\":").Append(entry.Details is { } details ? $"\"{details}\"" : "null")
            .Append(",\"events\":").Append(entry.Events.ToString(inv));
        AppendUnlessNull(line, "supply", entry.Supply);
        AppendUnlessNull(line, "redfish", entry.Redfish);
        AppendUnlessNull(line, "ipmi", entry.Ipmi);
        return Encoding.ASCII.GetBytes(line.Append("}\n").ToString());
    }

    private static void AppendUnlessNull(StringBuilder line, string name, string? value)
    {
        if (value != null)
        {
            line.Append(",\"").Append(name).Append("\":\"").Append(value).Append('"');
        }
    }

    private static byte[] WrittenLine(ArrayEvent entry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("time", entry.Time);
            writer.WriteString("array", entry.Array);
            writer.WriteString("type", entry.Type);
            if (entry.Member is int member)
            {
                writer.WriteNumber("member", member);
            }
            else
            {
                writer.WriteNull("member");
            }

            writer.WriteString("details", entry.Details);
            writer.WriteNumber("events", entry.Events);
            WriteUnlessNull(writer, "supply", entry.Supply);
            WriteUnlessNull(writer, "redfish", entry.Redfish);
            WriteUnlessNull(writer, "ipmi", entry.Ipmi);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>
    /// The event on <paramref name="line"/>; null for a JSON null. As the serializer reads it: names match exactly,
    /// unknown names are skipped, a missing one takes its default, the last of a repeated one wins.
    /// </summary>
    /// <exception cref="JsonException">The line is not JSON, or a value has the wrong kind (a torn line, say).</exception>
    public static ArrayEvent? Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("an event is a JSON object");
        }

        DateTimeOffset time = default;
        Guid array = default;
        int? member = null;
        ulong events = 0;
        var texts = new string?[s_texts.Length];
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            string name = property.Name;
            int text = Array.IndexOf(s_texts, name);
            if (text >= 0)
            {
                texts[text] = value.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.String => value.GetString(),
                    _ => throw Wrong(name),
                };
                continue;
            }

            switch (name)
            {
                case "time":
                    time = value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var t) ? t : throw Wrong(name);
                    break;
                case "array":
                    array = value.ValueKind == JsonValueKind.String && value.TryGetGuid(out var g) ? g : throw Wrong(name);
                    break;
                case "member":
                    member = value.ValueKind == JsonValueKind.Null ? null
                        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int m) ? m : throw Wrong(name);
                    break;
                case "events":
                    events = value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out ulong e) ? e : throw Wrong(name);
                    break;
            }
        }

        return new ArrayEvent(time, array, texts[0]!, member, texts[1], events) { Supply = texts[2], Redfish = texts[3], Ipmi = texts[4] };
    }

    private static void WriteUnlessNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value != null)
        {
            writer.WriteString(name, value);
        }
    }

    private static JsonException Wrong(string name) => new($"the event's \"{name}\" has a value of the wrong kind");
}
