namespace RaidEmu.Core.Md;

/// <summary>
/// Raised inside the engine when a member range stays unreadable after a retry while the member itself works:
/// the range is served from redundancy and then repaired (md's read-error path). Offsets are data-area bytes.
/// </summary>
internal sealed class MemberReadErrorException : IOException
{
    public MemberReadErrorException(Member member, long offset, int length, IOException inner)
        : base($"member {member.DevNumber} cannot read {length} bytes at {offset}: {inner.Message}", inner)
    {
        Member = member;
        Offset = offset;
        Length = length;
    }

    public Member Member { get; }

    public long Offset { get; }

    public int Length { get; }
}
