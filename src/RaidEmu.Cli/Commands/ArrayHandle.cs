using RaidEmu.Core.Md;

namespace RaidEmu.Cli.Commands;

/// <summary>An array a command works on; disposing it releases what opening it took (nothing, for a live array).</summary>
internal sealed class ArrayHandle(RaidArray array, string folder, bool live, Action release) : IDisposable
{
    public RaidArray Array { get; } = array;

    public string Folder { get; } = folder;

    /// <summary>True when a serving process owns the array and this command runs inside it.</summary>
    public bool Live { get; } = live;

    public void Dispose() => release();
}
