namespace RaidEmu.Core.Md.Raid5;

/// <summary>How new parity is computed for a stripe write.</summary>
internal enum StripeWriteMode
{
    /// <summary>P' = P ^ old ^ new over the written bytes: reads the written chunks and parity.</summary>
    ReadModifyWrite,

    /// <summary>P' = XOR of every data chunk: reads the chunks the request does not fully cover.</summary>
    ReconstructWrite,
}
