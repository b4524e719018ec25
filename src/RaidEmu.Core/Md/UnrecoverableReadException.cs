namespace RaidEmu.Core.Md;

/// <summary>
/// A read touched a region no member can serve any more (an unreadable sector with no redundancy left for it):
/// the array keeps running and every other region reads back intact, but these bytes are lost. Callers map it
/// to EIO, as md returns EIO for the request and never made-up bytes.
/// </summary>
public sealed class UnrecoverableReadException : IOException
{
    /// <summary>Creates the exception.</summary>
    public UnrecoverableReadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public UnrecoverableReadException()
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public UnrecoverableReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
