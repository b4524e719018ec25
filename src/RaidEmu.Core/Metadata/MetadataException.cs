namespace RaidEmu.Core.Metadata;

/// <summary>A member's metadata is missing, damaged, or does not belong with the others. The message names the file.</summary>
public sealed class MetadataException : IOException
{
    /// <summary>Creates the exception with a message that names the file.</summary>
    public MetadataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public MetadataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public MetadataException()
    {
    }
}
