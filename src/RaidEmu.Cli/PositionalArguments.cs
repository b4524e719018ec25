using System.Reflection;
using CommandLine;

namespace RaidEmu.Cli;

/// <summary>
/// The positional arguments of a verb's command line, which the parser library silently drops when there
/// are too many and does not name when one is missing.
/// </summary>
internal static class PositionalArguments
{
    /// <summary>The verb's positional parameters (META names with their properties), in order.</summary>
    public static IReadOnlyList<(ValueAttribute Value, PropertyInfo Property)> Declared(Type verb) =>
        [.. verb.GetProperties()
            .Select(p => (Value: p.GetCustomAttribute<ValueAttribute>(), Property: p))
            .Where(v => v.Value != null)
            .Select(v => (v.Value!, v.Property))
            .OrderBy(v => v.Item1.Index)];

    /// <summary>The tokens after the verb that are neither options nor option values.</summary>
    public static IReadOnlyList<string> Given(Type verb, IEnumerable<string> afterVerb)
    {
        var switches = verb.GetProperties()
            .Where(p => p.PropertyType == typeof(bool))
            .Select(p => p.GetCustomAttribute<OptionAttribute>()?.LongName)
            .OfType<string>()
            .Concat(["help", "version"])
            .ToHashSet(StringComparer.Ordinal);
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
        return Declared(verb).Skip(given).FirstOrDefault(v => v.Value.Required).Value?.MetaName;
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

        return declared
            .Where(v => v.Property.PropertyType == typeof(string) && string.IsNullOrWhiteSpace((string?)v.Property.GetValue(options)))
            .Select(v => $"{v.Value.MetaName} is empty; give a path")
            .FirstOrDefault();
    }
}
