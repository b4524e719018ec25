using CommandLine;
using CommandLine.Text;
using RaidEmu.Cli.Commands;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Arrays;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Cli;

/// <summary>The raidemu command: parses the verb, runs it, and turns every failure into one line and an exit code.</summary>
public static class Program
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The operation could not be done (array failed, data unreadable, refused for safety).</summary>
    public const int Failed = 1;

    /// <summary>Bad usage: unknown verb or option, bad value, missing file.</summary>
    public const int Usage = 2;

    private static readonly Type[] s_verbs =
    [
        typeof(CreateOptions), typeof(StatusOptions), typeof(ExamineOptions), typeof(FailOptions), typeof(RemoveOptions),
        typeof(AddOptions), typeof(RebuildOptions), typeof(CheckOptions), typeof(RepairOptions), typeof(WriteOptions),
        typeof(ReadOptions), typeof(EventsOptions), typeof(StartOptions), typeof(DemoOptions),
    ];

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        using var parser = new Parser(settings =>
        {
            settings.HelpWriter = null;
            settings.CaseInsensitiveEnumValues = true;
        });
        var result = parser.ParseArguments(args, s_verbs);
        if (result is NotParsed<object> notParsed)
        {
            return ReportParseErrors(notParsed);
        }

        try
        {
            return Dispatch(((Parsed<object>)result).Value);
        }
        catch (Exception ex)
        {
            var (code, message) = Describe(ex);
            Console.Error.WriteLine($"raidemu: {message}");
            if (Environment.GetEnvironmentVariable("RAIDEMU_DEBUG") == "1")
            {
                Console.Error.WriteLine(ex);
            }

            return code;
        }
    }

    private static int Dispatch(object options) => options switch
    {
        CreateOptions o => CreateCommand.Run(o),
        StatusOptions o => StatusCommand.Run(o),
        ExamineOptions o => ExamineCommand.Run(o),
        FailOptions o => MemberCommands.Fail(o),
        RemoveOptions o => MemberCommands.Remove(o),
        AddOptions o => MemberCommands.Add(o),
        RebuildOptions o => SyncCommands.Rebuild(o),
        CheckOptions o => SyncCommands.Check(o),
        RepairOptions o => SyncCommands.Repair(o),
        WriteOptions o => VolumeCommands.Write(o),
        ReadOptions o => VolumeCommands.Read(o),
        EventsOptions o => EventsCommand.Run(o),
        StartOptions o => SyncCommands.Start(o),
        DemoOptions o => DemoCommand.Run(o),
        _ => throw new UsageException("unknown verb"),
    };

    /// <summary>Maps an error to its exit code and the one line the user sees.</summary>
    private static (int Code, string Message) Describe(Exception ex) => ex switch
    {
        UsageException => (Usage, ex.Message),
        DirectoryNotFoundException or FileNotFoundException => (Usage, ex.Message),
        ArgumentException => (Usage, ex.Message),
        ArrayStartRefusedException => (Failed, $"{ex.Message} ('raidemu start ARRAY --force')"),
        ArrayFailedException or ArrayBusyException or MetadataException => (Failed, ex.Message),
        InvalidOperationException => (Failed, ex.Message),
        UnauthorizedAccessException => (Failed, ex.Message),
        IOException => (Failed, ex.Message),
        _ => (Failed, $"internal error: {ex.GetType().Name}: {ex.Message} (set RAIDEMU_DEBUG=1 for details)"),
    };

    private static int ReportParseErrors(NotParsed<object> result)
    {
        var errors = result.Errors.ToList();
        if (errors.Any(e => e.Tag is ErrorType.HelpRequestedError or ErrorType.HelpVerbRequestedError or ErrorType.VersionRequestedError))
        {
            var help = HelpText.AutoBuild(result, h => { h.AdditionalNewLineAfterOption = false; return h; }, e => e, verbsIndex: true);
            Console.Out.WriteLine(help);
            return Ok;
        }

        Console.Error.WriteLine($"raidemu: {Explain(errors[0])}");
        return Usage;
    }

    private static string Explain(Error error) => error switch
    {
        NoVerbSelectedError => "no verb given; try 'raidemu --help'",
        BadVerbSelectedError e => $"unknown verb '{e.Token}'; try 'raidemu --help'",
        UnknownOptionError e => $"unknown option '{e.Token}'; try 'raidemu VERB --help'",
        MissingRequiredOptionError e => e.NameInfo.NameText.Length > 0 && !e.NameInfo.NameText.Contains(' ', StringComparison.Ordinal) && e.NameInfo.LongName.Length > 0
            ? $"missing required option --{e.NameInfo.LongName}"
            : $"missing required argument {e.NameInfo.NameText}",
        MissingValueOptionError e => $"option --{e.NameInfo.LongName} needs a value",
        BadFormatConversionError e => $"option --{e.NameInfo.LongName}: not a valid value",
        RepeatedOptionError e => $"option --{e.NameInfo.LongName} given more than once",
        _ => $"bad command line ({error.Tag})",
    };
}
