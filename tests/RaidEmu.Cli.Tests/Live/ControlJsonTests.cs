using System.Text;
using System.Text.Json;
using RaidEmu.Live.Control;

namespace RaidEmu.Cli.Tests.Live;

/// <summary>The client writes and reads the control socket's lines by hand; the serving process uses the serializer.</summary>
[TestClass]
public sealed class ControlJsonTests
{
    [TestMethod]
    public void RequestLines_AreTheSerializers_AndResponsesReadAsItWritesThem()
    {
        var requests = new[]
        {
            new ControlRequest(["status", "arr"], "/tmp/x"),
            new ControlRequest([], "/"),
            new ControlRequest(["write", "a \"quoted\" name", "back\\slash", "é ✓ <tag> & 'q' +", "tab\tnew\nline\u0001"], "/dir with spaces/ü"),
        };
        foreach (var request in requests)
        {
            string line = Encoding.UTF8.GetString(ControlJson.Line(request));
            Assert.AreEqual(JsonSerializer.Serialize(request) + "\n", line);
            var back = JsonSerializer.Deserialize<ControlRequest>(line)!;
            CollectionAssert.AreEqual(request.Args, back.Args);
            Assert.AreEqual(request.Cwd, back.Cwd);
        }

        foreach (var response in new[] { new ControlResponse(0, "ok\n", ""), new ControlResponse(2, "", "raidemu: \"bad\" ✓\n") })
        {
            Assert.AreEqual(response, ControlJson.Response(JsonSerializer.Serialize(response), "arr"));
        }

        foreach (string garbage in new[] { "", "null", "[1]", "{\"Code\":\"0\",\"Out\":\"\",\"Err\":\"\"}", "{\"Code\":0,\"Out\":\"\"}", "{" })
        {
            var error = Assert.ThrowsExactly<IOException>(() => ControlJson.Response(garbage, "arr"), garbage);
            StringAssert.Contains(error.Message, "arr");
        }
    }
}
