namespace RaidEmu.Core.Events;

/// <summary>The names of array events, as written to the log.</summary>
public static class EventTypes
{
    /// <summary>The array was created.</summary>
    public const string ArrayCreated = "ArrayCreated";

    /// <summary>The array was assembled from its members.</summary>
    public const string ArrayAssembled = "ArrayAssembled";

    /// <summary>A member was marked faulty.</summary>
    public const string MemberFailed = "MemberFailed";

    /// <summary>A member was taken out of the array.</summary>
    public const string MemberRemoved = "MemberRemoved";

    /// <summary>A member was added, as a replacement or as a spare.</summary>
    public const string MemberAdded = "MemberAdded";

    /// <summary>A member's event count was behind at assembly; it will be rebuilt, never read.</summary>
    public const string MemberStale = "MemberStale";

    /// <summary>A hot spare took over a failed member's slot.</summary>
    public const string SpareActivated = "SpareActivated";

    /// <summary>Rebuilding of a member began (or resumed).</summary>
    public const string RecoveryStarted = "RecoveryStarted";

    /// <summary>A member was fully rebuilt and is in sync.</summary>
    public const string RecoveryCompleted = "RecoveryCompleted";

    /// <summary>A resync of redundancy began (or resumed).</summary>
    public const string ResyncStarted = "ResyncStarted";

    /// <summary>Redundancy is consistent again.</summary>
    public const string ResyncCompleted = "ResyncCompleted";

    /// <summary>The array lost redundancy but still serves.</summary>
    public const string ArrayDegraded = "ArrayDegraded";

    /// <summary>Every slot is in sync again.</summary>
    public const string ArrayOptimal = "ArrayOptimal";

    /// <summary>Redundancy is exhausted: I/O fails.</summary>
    public const string ArrayFailed = "ArrayFailed";

    /// <summary>
    /// The array went from clean to active: the first write after a clean state, written to every superblock
    /// before the write itself (md's "active" state).
    /// </summary>
    public const string ArrayDirty = "ArrayDirty";

    /// <summary>The array was marked clean: idle for the safe-mode delay, or stopped in order (md's "clean" state).</summary>
    public const string ArrayClean = "ArrayClean";

    /// <summary>The write-intent bitmap was older than the superblocks, so none of its clear bits can be trusted.</summary>
    public const string BitmapStale = "BitmapStale";

    /// <summary>A dirty, degraded array was started by force, accepting the write hole.</summary>
    public const string ArrayForced = "ArrayForced";

    /// <summary>A check or repair finished, with its mismatch count.</summary>
    public const string ScrubCompleted = "ScrubCompleted";

    /// <summary>A fault was injected into a member.</summary>
    public const string FaultInjected = "FaultInjected";

    /// <summary>An injected fault was taken away.</summary>
    public const string FaultCleared = "FaultCleared";

    /// <summary>A member's read error was repaired: the range was rebuilt from redundancy and rewritten.</summary>
    public const string ReadErrorCorrected = "ReadErrorCorrected";

    /// <summary>Blocks of a member failed their checksum (silent corruption) and were rewritten from redundancy.</summary>
    public const string ChecksumErrorCorrected = "ChecksumErrorCorrected";

    /// <summary>A read error could not be repaired: no other copy of the range was readable; the caller got EIO.</summary>
    public const string ReadErrorUncorrectable = "ReadErrorUncorrectable";

    /// <summary>A range was recorded in a member's bad-block log.</summary>
    public const string BadBlockRecorded = "BadBlockRecorded";

    /// <summary>A recorded bad range was written successfully and left the log.</summary>
    public const string BadBlockCleared = "BadBlockCleared";

    /// <summary>A region of the volume has no readable copy left: reads of it fail with EIO.</summary>
    public const string DataLost = "DataLost";

    /// <summary>A member that had vanished came back (stale: it is re-added, not trusted).</summary>
    public const string MemberReturned = "MemberReturned";

    /// <summary>The power setup was (re)configured.</summary>
    public const string PowerSetup = "PowerSetup";

    /// <summary>A power supply failed internally.</summary>
    public const string PowerSupplyFailed = "PowerSupplyFailed";

    /// <summary>A failed power supply was repaired.</summary>
    public const string PowerSupplyRestored = "PowerSupplyRestored";

    /// <summary>A power supply was pulled out of its bay.</summary>
    public const string PowerSupplyRemoved = "PowerSupplyRemoved";

    /// <summary>A power supply was put into its bay.</summary>
    public const string PowerSupplyInserted = "PowerSupplyInserted";

    /// <summary>A power supply predicts its own failure.</summary>
    public const string PowerSupplyPredictiveFailure = "PowerSupplyPredictiveFailure";

    /// <summary>The supplies do not fit together (a mismatched rating, feeds that cannot be balanced).</summary>
    public const string PowerSupplyConfigurationError = "PowerSupplyConfigurationError";

    /// <summary>A power supply lost its input.</summary>
    public const string LossOfInputPower = "LossOfInputPower";

    /// <summary>A power supply's input is back.</summary>
    public const string LineInputPowerRestored = "LineInputPowerRestored";

    /// <summary>The system's base load changed.</summary>
    public const string LoadChanged = "LoadChanged";

    /// <summary>An operator asked a standby supply to deliver.</summary>
    public const string StandbyPromotionRequested = "StandbyPromotionRequested";

    /// <summary>A standby supply is waking to share a growing load.</summary>
    public const string StandbyWaking = "StandbyWaking";

    /// <summary>A standby supply now delivers.</summary>
    public const string StandbyPromoted = "StandbyPromoted";

    /// <summary>A delivering supply went back to standby under a light load.</summary>
    public const string StandbySleeping = "StandbySleeping";

    /// <summary>The load is limited to the capacity left.</summary>
    public const string PowerCapped = "PowerCapped";

    /// <summary>The load is no longer limited.</summary>
    public const string PowerCapReleased = "PowerCapReleased";

    /// <summary>The chassis stays off: the disks' spin-up surge would not fit the capacity.</summary>
    public const string PowerOnRefused = "PowerOnRefused";

    /// <summary>Hold-up ran out: the array has no power.</summary>
    public const string ChassisPoweredOff = "ChassisPoweredOff";

    /// <summary>Power is back.</summary>
    public const string ChassisPoweredOn = "ChassisPoweredOn";

    /// <summary>The disks draw their spin-up surge after power returned.</summary>
    public const string DisksSpinningUp = "DisksSpinningUp";

    /// <summary>The supply group is fully redundant.</summary>
    public const string PowerSupplyGroupNormal = "PowerSupplyGroupNormal";

    /// <summary>The supply group lost some or all redundancy but still has enough power.</summary>
    public const string PowerSupplyGroupWarning = "PowerSupplyGroupWarning";

    /// <summary>The supply group cannot carry the load.</summary>
    public const string PowerSupplyGroupCritical = "PowerSupplyGroupCritical";

    /// <summary>The served array lost power: in-flight writes were torn and it stopped.</summary>
    public const string ArrayPowerLost = "ArrayPowerLost";

    /// <summary>The served array started again after power returned.</summary>
    public const string ArrayRestarted = "ArrayRestarted";

    /// <summary>Power returned but md's rules refuse to start the array by itself (dirty and degraded).</summary>
    public const string ArrayStartRefused = "ArrayStartRefused";
}
