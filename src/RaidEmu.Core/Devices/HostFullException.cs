namespace RaidEmu.Core.Devices;

/// <summary>
/// A member write failed because the host file system holding the member file is full (or a quota is used
/// up). The member is not at fault, so the request fails and no member is marked faulty.
/// </summary>
public sealed class HostFullException : IOException
{
    /// <summary>Creates the exception.</summary>
    public HostFullException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public HostFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the host's error.</summary>
    public HostFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
