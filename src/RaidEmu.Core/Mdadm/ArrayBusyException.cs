namespace RaidEmu.Core.Mdadm;

/// <summary>Another process owns the array folder.</summary>
public sealed class ArrayBusyException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ArrayBusyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public ArrayBusyException()
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public ArrayBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
