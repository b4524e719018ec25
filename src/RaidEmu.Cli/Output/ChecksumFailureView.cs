using RaidEmu.Core.Md;

namespace RaidEmu.Cli.Output;

/// <summary>How check and repair name the member blocks that failed their checksum.</summary>
internal static class ChecksumFailureView
{
    // A member that rotted everywhere must not flood the terminal; --json lists every block.
    private const int TextBlocks = 8;

    /// <summary>The --json shape of one block: a data block names its volume offset, a parity block its stripe and the volume range it covers.</summary>
    public static object Json(ChecksumFailure f) => new
    {
        memberOffset = f.MemberOffset,
        length = f.Length,
        kind = f.ParityOfStripe == null ? "data" : "parity",
        logicalOffset = f.LogicalOffset,
        parityOfStripe = f.ParityOfStripe,
        covers = f.ParityOfStripe is { } stripe ? new { offset = stripe * f.StripeBytes, length = f.StripeBytes } : null,
        repaired = f.Repaired,
    };

    /// <summary>The blocks of one member on one line, the first few of them.</summary>
    public static string Text(IReadOnlyList<ChecksumFailure> blocks)
    {
        string listed = string.Join(", ", blocks.Take(TextBlocks).Select(Text));
        return blocks.Count > TextBlocks ? $"{listed} and {blocks.Count - TextBlocks} more" : listed;
    }

    private static string Text(ChecksumFailure f) => f.ParityOfStripe is { } stripe
        ? $"parity of stripe {stripe} (member offset {f.MemberOffset}; covers logical {stripe * f.StripeBytes}-{((stripe + 1) * f.StripeBytes) - 1})"
        : f.StripeBytes == 0 ? $"logical {f.LogicalOffset}" : $"data at logical {f.LogicalOffset} (member offset {f.MemberOffset})";
}
