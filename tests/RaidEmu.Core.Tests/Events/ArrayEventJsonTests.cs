using System.Text;
using System.Text.Json;
using RaidEmu.Core.Events;

namespace RaidEmu.Core.Tests.Events;

/// <summary>The event log's hand-written JSON is the reflection serializer's, byte for byte, and reads back as it does.</summary>
[TestClass]
public sealed class ArrayEventJsonTests
{
    private static readonly ArrayEvent[] s_events =
    [
        new(new DateTimeOffset(2026, 11, 28, 8, 45, 39, 196, TimeSpan.Zero).AddTicks(8250), Guid.Parse("260f4793-a697-4e0f-9b25-ea8f4ac1f504"), EventTypes.ArrayDirty, null, "first write after a clean state", 10),
        new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), Guid.NewGuid(), "MemberFaulty", 3, "disk3.img: \"quoted\" <tag> & 'x' +1 é \u0001 \\ /", ulong.MaxValue),
        new(DateTimeOffset.UnixEpoch, Guid.Empty, "PowerSupplyFailed", null, null, 0) { Supply = "psu-a", Redfish = "Power.1.2.PowerSupplyFailed", Ipmi = "08h/01" },
        new(DateTimeOffset.UnixEpoch, Guid.Empty, "x", -1, "", 1) { Redfish = "only this one" },
    ];

    [TestMethod]
    public void Line_IsWhatTheSerializerWrites()
    {
        foreach (var entry in s_events)
        {
            Assert.AreEqual(JsonSerializer.Serialize(entry) + "\n", Encoding.UTF8.GetString(ArrayEventJson.Line(entry)));
        }
    }

    [TestMethod]
    public void Line_IsWhatTheSerializerWrites_ForEveryAsciiCharacterInEveryTextField()
    {
        for (char c = '\0'; c < 128; c++)
        {
            string text = $"a{c}b";
            var entry = new ArrayEvent(DateTimeOffset.UnixEpoch, Guid.Empty, text, 1, text, 2) { Supply = text, Redfish = text, Ipmi = text };
            Assert.AreEqual(JsonSerializer.Serialize(entry) + "\n", Encoding.UTF8.GetString(ArrayEventJson.Line(entry)), $"character {(int)c}");
        }
    }

    [TestMethod]
    public void Line_IsWhatTheSerializerWrites_ForAnyTime()
    {
        var random = new Random(11);
        for (int i = 0; i < 2000; i++)
        {
            var offset = TimeSpan.FromMinutes(random.Next(-14 * 60, (14 * 60) + 1));
            long ticks = random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay);

            // Fractions with trailing zeros, and none at all, as often as any other.
            ticks -= ticks % (long)Math.Pow(10, random.Next(0, 8));
            var entry = new ArrayEvent(new DateTimeOffset(ticks, offset), Guid.NewGuid(), "T", random.Next(-1, 64), "d", (ulong)random.NextInt64());
            Assert.AreEqual(JsonSerializer.Serialize(entry) + "\n", Encoding.UTF8.GetString(ArrayEventJson.Line(entry)));
        }
    }

    [TestMethod]
    public void Parse_ReadsBackEveryField()
    {
        foreach (var entry in s_events)
        {
            string line = Encoding.UTF8.GetString(ArrayEventJson.Line(entry)).TrimEnd('\n');
            Assert.AreEqual(JsonSerializer.Deserialize<ArrayEvent>(line), ArrayEventJson.Parse(line));
            Assert.AreEqual(entry, ArrayEventJson.Parse(line));
        }
    }

    [TestMethod]
    [DataRow("""{"type":"A","unknown":{"a":[1,2]},"events":5,"time":"2026-01-01T00:00:00+00:00"}""")]
    [DataRow("""{"type":"A","type":"B","member":7}""")]
    [DataRow("""{}""")]
    [DataRow("""{"Type":"case matters","details":null,"supply":null}""")]
    public void Parse_AgreesWithTheSerializer_OnLinesItDidNotWrite(string line) =>
        Assert.AreEqual(JsonSerializer.Deserialize<ArrayEvent>(line), ArrayEventJson.Parse(line));

    [TestMethod]
    public void Parse_NullIsNoEvent() => Assert.IsNull(ArrayEventJson.Parse("null"));

    [TestMethod]
    [DataRow("""{"time":"2026-11-28T08:45:39.19""")]
    [DataRow("""{"array":"not a guid"}""")]
    [DataRow("""{"member":"3"}""")]
    [DataRow("""{"member":1.5}""")]
    [DataRow("""{"events":-1}""")]
    [DataRow("""{"events":null}""")]
    [DataRow("""{"type":5}""")]
    [DataRow("""[1]""")]
    [DataRow("""{"type":"A"} x""")]
    public void Parse_RefusesWhatTheSerializerRefuses(string line)
    {
        Assert.ThrowsExactly<JsonException>(() => JsonSerializer.Deserialize<ArrayEvent>(line));
        Assert.Throws<JsonException>(() => ArrayEventJson.Parse(line));
    }
}
