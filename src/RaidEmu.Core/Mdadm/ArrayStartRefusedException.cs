namespace RaidEmu.Core.Mdadm;

/// <summary>Assembly refused to start an array because starting it could serve wrong data; <c>force</c> overrides.</summary>
public sealed class ArrayStartRefusedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ArrayStartRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public ArrayStartRefusedException()
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public ArrayStartRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
