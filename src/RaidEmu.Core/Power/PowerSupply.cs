namespace RaidEmu.Core.Power;

/// <summary>One supply: identity, state, input, and what it delivers now.</summary>
public sealed class PowerSupply
{
    /// <summary>Creates a supply.</summary>
    public PowerSupply(string id, double capacityWatts, int feed)
    {
        Id = id;
        CapacityWatts = capacityWatts;
        Feed = feed;
    }

    /// <summary>A, B, C, ...</summary>
    public string Id { get; }

    /// <summary>How long its outputs stay valid after it stops receiving enough input.</summary>
    public double HoldupMs { get; set; } = 12;

    /// <summary>How long it takes, from standby, to deliver.</summary>
    public double WakeMs { get; set; } = 0.1;

    /// <summary>Rated output.</summary>
    public double CapacityWatts { get; set; }

    /// <summary>The input feed it is plugged into.</summary>
    public int Feed { get; }

    /// <summary>Redfish State.</summary>
    public SupplyState State { get; set; }

    /// <summary>True when its input has power (Redfish LineInputStatus Normal; false = LossOfInput).</summary>
    public bool InputNormal { get; set; } = true;

    /// <summary>What it delivers now.</summary>
    public double OutputWatts { get; set; }

    /// <summary>The unit has predicted its own failure (PMBus warning): still working, no longer trusted.</summary>
    public bool PredictedFailure { get; set; }

    /// <summary>Redfish Health.</summary>
    public string Health => State == SupplyState.Failed ? "Critical" : InputNormal && !PredictedFailure ? "OK" : "Warning";

    /// <summary>Delivering, or able to once promoted.</summary>
    public bool Working => State is SupplyState.Enabled or SupplyState.StandbySpare && InputNormal;

    /// <summary>Delivering now.</summary>
    public bool Delivering => State == SupplyState.Enabled && InputNormal;

    /// <summary>Counted as installed.</summary>
    public bool Installed => State != SupplyState.Absent;

    /// <summary>AC input drawn for an output, from a Platinum-class curve (90 % at 20 %, 94 % at 50 %, 91 % at 100 % load).</summary>
    public double InputWatts
    {
        get
        {
            if (OutputWatts <= 0)
            {
                return State is SupplyState.Enabled or SupplyState.StandbySpare && InputNormal ? 3 : 0;
            }

            double load = OutputWatts / CapacityWatts;
            double efficiency = load <= 0.2 ? 0.90 : load <= 0.5 ? 0.90 + ((load - 0.2) / 0.3 * 0.04) : 0.94 - ((Math.Min(load, 1) - 0.5) / 0.5 * 0.03);
            return OutputWatts / efficiency;
        }
    }
}
