using RaidEmu.Core.Events;

namespace RaidEmu.Core.Md;

/// <summary>What an array gets from whoever runs it: where events go, the clock, and whether it closes the members.</summary>
/// <param name="Sink">Receives one event per state change.</param>
/// <param name="Clock">Time source for events and checkpoints.</param>
/// <param name="OwnsDevices">True when stopping the array closes its member devices.</param>
internal sealed record ArrayHost(IEventSink Sink, TimeProvider Clock, bool OwnsDevices);
