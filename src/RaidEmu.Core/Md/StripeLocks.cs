namespace RaidEmu.Core.Md;

/// <summary>
/// A fixed table of locks keyed by stripe (or mirror region) number. Two stripes may share a lock, which is
/// harmless because the engine never holds more than one at a time.
/// </summary>
internal sealed class StripeLocks
{
    private const int Count = 1024;
    private readonly Lock[] _locks = new Lock[Count];

    public StripeLocks()
    {
        for (int i = 0; i < Count; i++)
        {
            _locks[i] = new Lock();
        }
    }

    public Lock For(long unit) => _locks[(int)(unit % Count)];
}
