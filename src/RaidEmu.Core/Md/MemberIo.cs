using RaidEmu.Core.Devices;

namespace RaidEmu.Core.Md;

/// <summary>
/// All a personality may touch of its array: the slot table, stripe locks, and reads and writes of member
/// data areas. A member whose I/O fails is reported to the array, which marks it faulty; the personality
/// never changes member state itself.
/// </summary>
internal sealed class MemberIo
{
    private readonly RaidArray _array;

    public MemberIo(RaidArray array)
    {
        _array = array;
        Geometry = array.Geometry;
    }

    public ArrayGeometry Geometry { get; }

    /// <summary>Slot table snapshot: the member holding each slot (in sync or rebuilding), or null.</summary>
    public Member?[] Slots => _array.Slots;

    /// <summary>Member bytes up to which redundancy is known consistent.</summary>
    public long SyncedUpTo => _array.SyncedUpTo;

    public StripeLocks Locks { get; } = new();

    /// <summary>Throws when the array has failed or lost power: nothing may be served.</summary>
    public void ThrowIfFailed() => _array.ThrowIfFailed();

    /// <summary>The error for an operation the remaining members cannot serve.</summary>
    public ArrayFailedException FailedError(string why) => _array.FailedError(why);

    /// <summary>Reads member bytes of the data area; a failure marks the member faulty and asks the caller to retry.</summary>
    public void ReadMember(Member member, long memberOffset, Span<byte> destination)
    {
        try
        {
            member.Device.Read(Geometry.DataOffsetBytes + memberOffset, destination);
            member.CountRead(destination.Length);
        }
        catch (IOException ex) when (ex is not ArrayFailedException)
        {
            _array.FailFromIo(member, ex);
            throw new MemberIoException(member, ex);
        }
    }

    /// <summary>
    /// Writes member bytes of the data area; a failure marks the member faulty and returns false. A full host
    /// file system is no disk failure: it fails the whole request instead, and no member.
    /// </summary>
    /// <exception cref="HostFullException">The host file system has no room for the write.</exception>
    public bool WriteMember(Member member, long memberOffset, ReadOnlySpan<byte> source)
    {
        try
        {
            member.Device.Write(Geometry.DataOffsetBytes + memberOffset, source);
            member.CountWrite(source.Length);
            return true;
        }
        catch (HostFullException)
        {
            _array.NoteHostFull();
            throw;
        }
        catch (IOException ex)
        {
            _array.FailFromIo(member, ex);
            return false;
        }
    }
}
