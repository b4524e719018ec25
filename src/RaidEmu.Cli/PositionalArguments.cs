using System.Reflection;
using CommandLine;

namespace RaidEmu.Cli;

/// <summary>
/// The positional arguments of a verb's command line, which the parser library silently drops when there
/// are too many and does not name when one is missing.
/// </summary>
/// <remarks>
/// Runs on every command line, so it is written with plain loops over reference types: LINQ over tuples of
/// (attribute, property) is compiled at run time, with full optimization for its loops, in every short command.
/// </remarks>
internal static class PositionalArguments
{
    /// <summary>The verb's positional parameters (META names with their properties), in order.</summary>
    public static IReadOnlyList<Positional> Declared(Type verb)
    {
        var declared = new List<Positional>();
        foreach (var property in verb.GetProperties())
        {
            // IsDefined reads metadata only; the attribute is built just for the few properties that carry it.
            if (!property.IsDefined(typeof(ValueAttribute), inherit: true)
                || property.GetCustomAttribute<ValueAttribute>() is not { } value)
            {
                continue;
            }

            // Stable insertion by index: a verb has one or two positional parameters.
            int at = declared.Count;
            while (at > 0 && declared[at - 1].Value.Index > value.Index)
            {
                at--;
            }

            declared.Insert(at, new Positional(value, property));
        }

        return declared;
    }

    /// <summary>The tokens after the verb that are neither options nor option values.</summary>
    public static IReadOnlyList<string> Given(Type verb, IEnumerable<string> afterVerb)
    {
        var switches = new HashSet<string>(StringComparer.Ordinal) { "help", "version" };
        foreach (var property in verb.GetProperties())
        {
            if (property.PropertyType == typeof(bool) && property.GetCustomAttribute<OptionAttribute>()?.LongName is { } name)
            {
                switches.Add(name);
            }
        }

        var given = new List<string>();
        bool valueNext = false;
        foreach (string token in afterVerb)
        {
            if (valueNext)
            {
                valueNext = false;
            }
            else if (token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2)
            {
                valueNext = !token.Contains('=', StringComparison.Ordinal) && !switches.Contains(token[2..]);
            }
            else
            {
                given.Add(token);
            }
        }

        return given;
    }

    /// <summary>Names the first required positional parameter the command line left out.</summary>
    public static string? Missing(Type verb, IEnumerable<string> afterVerb)
    {
        int given = Given(verb, afterVerb).Count;
        var declared = Declared(verb);
        for (int i = given; i < declared.Count; i++)
        {
            if (declared[i].Value.Required)
            {
                return declared[i].Value.MetaName;
            }
        }

        return null;
    }

    /// <summary>The first problem with the positional arguments of a parsed command line: one too many, or an empty one.</summary>
    public static string? Problem(object options, IEnumerable<string> afterVerb)
    {
        var type = options.GetType();
        var declared = Declared(type);
        var given = Given(type, afterVerb);
        if (given.Count > declared.Count)
        {
            return $"unexpected argument '{given[declared.Count]}'; try 'raidemu {type.GetCustomAttribute<VerbAttribute>()?.Name} --help'";
        }

        foreach (var (value, property) in declared)
        {
            if (property.PropertyType == typeof(string) && string.IsNullOrWhiteSpace((string?)property.GetValue(options)))
            {
                return $"{value.MetaName} is empty; give a path";
            }
        }

        return null;
    }

    /// <summary>A positional parameter: its attribute (index, META name, required) and the property it sets.</summary>
    public sealed record Positional(ValueAttribute Value, PropertyInfo Property);
}
