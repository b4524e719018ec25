namespace RaidEmu.Core.Devices;

/// <summary>
/// The device is not there (pulled, dead, its link dropped): every I/O fails. md fails the member; nothing
/// is retried or recorded as a bad block.
/// </summary>
public class DeviceGoneException : IOException
{
    /// <summary>Creates the exception.</summary>
    public DeviceGoneException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public DeviceGoneException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public DeviceGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
