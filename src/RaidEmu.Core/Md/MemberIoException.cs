namespace RaidEmu.Core.Md;

/// <summary>Raised inside the engine when a member read fails; the member is already faulty and the unit is retried.</summary>
internal sealed class MemberIoException : IOException
{
    public MemberIoException(Member member, IOException inner)
        : base($"member {member.DevNumber} failed: {inner.Message}", inner)
    {
    }
}
