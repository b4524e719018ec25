namespace RaidEmu.Core.Events;

/// <summary>Where an array's events go.</summary>
public interface IEventSink
{
    /// <summary>Records one event.</summary>
    void Append(ArrayEvent entry);
}
