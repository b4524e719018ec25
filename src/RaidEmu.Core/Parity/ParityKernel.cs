namespace RaidEmu.Core.Parity;

/// <summary>The instruction tiers the XOR parity kernel can run on.</summary>
public enum ParityKernel
{
    /// <summary>64-bit integer loop: the baseline every machine has.</summary>
    Scalar,

    /// <summary>128-bit vectors (SSE2 / NEON).</summary>
    Vector128,

    /// <summary>256-bit vectors (AVX2).</summary>
    Vector256,

    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512,
}
