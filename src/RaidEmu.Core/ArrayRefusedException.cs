namespace RaidEmu.Core;

/// <summary>
/// The engine refused an operation on purpose (a rule of md, mdadm or the power model says no). The CLI
/// maps it to exit 1 with its message; any other exception out of Core is a bug.
/// </summary>
public class ArrayRefusedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ArrayRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public ArrayRefusedException()
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public ArrayRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
