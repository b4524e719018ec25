namespace RaidEmu.Core.Power;

/// <summary>One point of the power timeline: demand, what the supplies can deliver, and the rail.</summary>
/// <param name="Time">When.</param>
/// <param name="LoadWatts">What the system asks for.</param>
/// <param name="CapacityWatts">What the delivering supplies can give.</param>
/// <param name="Rail">The rail state the array sees.</param>
public readonly record struct PowerSample(DateTimeOffset Time, double LoadWatts, double CapacityWatts, RailState Rail);
