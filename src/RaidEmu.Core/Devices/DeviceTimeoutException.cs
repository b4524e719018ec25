namespace RaidEmu.Core.Devices;

/// <summary>
/// An I/O hung until the block layer gave up on it. md fails the member at once, as it does when a command
/// times out: a disk that stops answering cannot be trusted with the repair writes a read error would need.
/// </summary>
public class DeviceTimeoutException : IOException
{
    /// <summary>Creates the exception.</summary>
    public DeviceTimeoutException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public DeviceTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public DeviceTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
