namespace RaidEmu.Core.Integrity;

/// <summary>
/// A member's <c>.integrity</c> sidecar is missing, damaged or belongs to another member. The array is
/// refused rather than run without checksums: the message names the file and what to do.
/// </summary>
public class IntegrityFileException : ArrayRefusedException
{
    /// <summary>Creates the exception.</summary>
    public IntegrityFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public IntegrityFileException()
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public IntegrityFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
