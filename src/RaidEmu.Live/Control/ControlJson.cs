using System.Text.Json;

namespace RaidEmu.Live.Control;

/// <summary>
/// The client's side of the control socket's JSON lines, written and read by hand: the same lines the
/// serializer writes and reads (the serving process still uses it), but without the metadata it builds by
/// reflection at run time, which cost every CLI command on a served array about 100 JIT-compiled methods.
/// </summary>
internal static class ControlJson
{
    /// <summary>The request as one line, as JsonSerializer writes <see cref="ControlRequest"/> with default options.</summary>
    public static byte[] Line(ControlRequest request)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray(nameof(ControlRequest.Args));
            foreach (string arg in request.Args)
            {
                json.WriteStringValue(arg);
            }

            json.WriteEndArray();
            json.WriteString(nameof(ControlRequest.Cwd), request.Cwd);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>The response in <paramref name="line"/>; an answer that is not one is an I/O error naming the folder.</summary>
    public static ControlResponse Response(string line, string folder)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty(nameof(ControlResponse.Code), out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out int exit)
                && root.TryGetProperty(nameof(ControlResponse.Out), out var output) && output.ValueKind == JsonValueKind.String
                && root.TryGetProperty(nameof(ControlResponse.Err), out var error) && error.ValueKind == JsonValueKind.String)
            {
                return new ControlResponse(exit, output.GetString()!, error.GetString()!);
            }
        }
        catch (JsonException)
        {
        }

        throw new IOException($"the process serving {folder} answered on the control socket with something that is not a response");
    }
}
