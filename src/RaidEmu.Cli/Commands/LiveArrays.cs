using RaidEmu.Cli.Output;
using RaidEmu.Core.Arrays;

namespace RaidEmu.Cli.Commands;

/// <summary>Inside a serving process: every command acts on the one live array it serves.</summary>
internal sealed class LiveArrays(RaidArray array, string folder) : IArrayAccess
{
    public RaidArray Array { get; } = array;

    public ArrayHandle Open(string folder, string purpose, bool force = false) => Handle(folder);

    public ArrayHandle Inspect(string folder) => Handle(folder);

    private ArrayHandle Handle(string requested)
    {
        if (!string.Equals(Path.GetFullPath(requested).TrimEnd('/'), Path.GetFullPath(folder).TrimEnd('/'), StringComparison.Ordinal))
        {
            throw new UsageException($"this process serves {folder}, not {requested}");
        }

        return new ArrayHandle(Array, folder, live: true, () => { });
    }
}
