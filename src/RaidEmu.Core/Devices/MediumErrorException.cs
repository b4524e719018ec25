namespace RaidEmu.Core.Devices;

/// <summary>
/// Some sectors of a device cannot be read or written (a latent sector error, a write the drive could not
/// place), while the rest of the device works. md keeps such a member and repairs or records the range.
/// </summary>
public class MediumErrorException : IOException
{
    /// <summary>Creates the exception for <paramref name="length"/> bytes at device byte <paramref name="offset"/>.</summary>
    public MediumErrorException(string message, long offset, long length, bool isWrite)
        : base(message)
    {
        Offset = offset;
        Length = length;
        IsWrite = isWrite;
    }

    /// <summary>Creates the exception.</summary>
    public MediumErrorException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public MediumErrorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public MediumErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>First failing byte of the device (not of its data area).</summary>
    public long Offset { get; }

    /// <summary>Bytes from <see cref="Offset"/> known to fail.</summary>
    public long Length { get; }

    /// <summary>True for a write that could not be placed; false for an unreadable range.</summary>
    public bool IsWrite { get; }
}
