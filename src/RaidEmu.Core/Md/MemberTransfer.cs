namespace RaidEmu.Core.Md;

/// <summary>
/// One member read or write of a stripe operation, over memory the caller keeps pinned (scratch, or a request
/// buffer under <c>fixed</c>) until the operation's batch is done, so another thread may carry it out.
/// </summary>
internal readonly unsafe struct MemberTransfer(Member member, long memberOffset, byte* buffer, int length)
{
    public Member Member { get; } = member;

    public long MemberOffset { get; } = memberOffset;

    public int Length { get; } = length;

    private byte* Buffer { get; } = buffer;

    public Span<byte> Span => new(Buffer, Length);
}
