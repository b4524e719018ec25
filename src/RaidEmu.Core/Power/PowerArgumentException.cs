namespace RaidEmu.Core.Power;

/// <summary>
/// A number or name given to the power model breaks one of its rules. It names the parameter (a
/// <see cref="PowerConfig"/> property or an operation's argument), never a command-line flag: the CLI maps
/// <see cref="ArgumentException.ParamName"/> to its flag and prints the flag with <see cref="Rule"/>.
/// </summary>
public sealed class PowerArgumentException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="paramName"/>, which must be as <paramref name="rule"/> says.</summary>
    public PowerArgumentException(string paramName, string rule)
        : base(rule, paramName) => Rule = rule;

    /// <summary>Creates the exception with no rule.</summary>
    public PowerArgumentException()
        : this("value", "is not valid")
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public PowerArgumentException(string message, Exception innerException)
        : base(message, innerException) => Rule = message;

    /// <summary>What the value must be ("must be 1 to 26").</summary>
    public string Rule { get; }

    /// <inheritdoc />
    public override string Message => ParamName == null ? Rule : $"{ParamName} {Rule}";
}
