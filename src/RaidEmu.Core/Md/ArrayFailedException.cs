namespace RaidEmu.Core.Md;

/// <summary>The array has lost more members than its redundancy covers, so the data cannot be served.</summary>
public sealed class ArrayFailedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ArrayFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public ArrayFailedException()
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public ArrayFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
