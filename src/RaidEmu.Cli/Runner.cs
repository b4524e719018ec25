using CommandLine;
using CommandLine.Text;
using RaidEmu.Cli.Commands;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Cli;

/// <summary>Parses a command line and runs it in the current <see cref="CommandContext"/>, turning every failure into one line and an exit code.</summary>
internal static class Runner
{
    private static readonly Type[] s_verbs =
    [
        typeof(CreateOptions), typeof(StatusOptions), typeof(ExamineOptions), typeof(FailOptions), typeof(RemoveOptions),
        typeof(AddOptions), typeof(RebuildOptions), typeof(CheckOptions), typeof(RepairOptions), typeof(WriteOptions),
        typeof(ReadOptions), typeof(EventsOptions), typeof(StartOptions), typeof(ServeOptions), typeof(StopOptions), typeof(MountOptions), typeof(UnmountOptions), typeof(PsuOptions),
        typeof(DemoOptions), typeof(ReliabilityOptions), typeof(FaultOptions), typeof(ScenarioOptions),
    ];

    /// <summary>Parses; on failure writes the message (or help) and returns the exit code in <paramref name="code"/>.</summary>
    public static object? Parse(string[] args, out int code)
    {
        using var parser = new Parser(settings =>
        {
            settings.HelpWriter = null;
            settings.CaseInsensitiveEnumValues = true;
        });
        var result = parser.ParseArguments(args, s_verbs);
        var context = CommandContext.Current;
        if (result is Parsed<object> parsed)
        {
            if (PositionalArguments.Problem(parsed.Value, args.Skip(1)) is { } problem)
            {
                context.Err.WriteLine($"raidemu: {problem}");
                code = ExitCodes.Usage;
                return null;
            }

            code = ExitCodes.Ok;
            return parsed.Value;
        }

        var notParsed = (NotParsed<object>)result;
        var errors = notParsed.Errors.ToList();
        if (errors.Any(e => e.Tag is ErrorType.VersionRequestedError))
        {
            context.Out.WriteLine(HeadingInfo.Default);
            code = ExitCodes.Ok;
            return null;
        }

        // "help VERB" is that verb's help, not the list of every verb.
        if (errors.OfType<HelpVerbRequestedError>().FirstOrDefault() is { Matched: true, Verb: { } verb })
        {
            return Parse([verb, "--help"], out code);
        }

        if (errors.Any(e => e.Tag is ErrorType.HelpRequestedError or ErrorType.HelpVerbRequestedError))
        {
            var help = HelpText.AutoBuild(notParsed, h => { h.AdditionalNewLineAfterOption = false; return h; }, e => e, verbsIndex: true);
            context.Out.WriteLine(help);
            code = ExitCodes.Ok;
            return null;
        }

        string explained = errors[0] is MissingRequiredOptionError { NameInfo.LongName.Length: 0 }
            && notParsed.TypeInfo.Current is { } type
            && PositionalArguments.Missing(type, args.Skip(1)) is { } missing
                ? $"missing required argument {missing}; try 'raidemu {args[0]} --help'"
                : Explain(errors[0]);
        context.Err.WriteLine($"raidemu: {explained}");
        code = ExitCodes.Usage;
        return null;
    }

    /// <summary>Runs parsed options; every exception becomes one line on stderr and an exit code.</summary>
    public static int Execute(object options)
    {
        try
        {
            return Dispatch(options);
        }
        catch (Exception ex)
        {
            var (code, message) = Describe(ex);
            CommandContext.Current.Err.WriteLine($"raidemu: {message}");
            if (Environment.GetEnvironmentVariable("RAIDEMU_DEBUG") == "1")
            {
                CommandContext.Current.Err.WriteLine(ex);
            }

            return code;
        }
    }

    /// <summary>Parse and run.</summary>
    public static int Run(string[] args) => Parse(args, out int code) is { } options ? Execute(options) : code;

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
        ServeOptions o => ServeCommand.Run(o, ControlCommandLine.Run),
        StopOptions o => ServeCommand.Stop(o),
        MountOptions o => ServeCommand.Mount(o, ControlCommandLine.Run),
        UnmountOptions o => ServeCommand.Unmount(o),
        PsuOptions o => PsuCommand.Run(o),
        DemoOptions o => DemoCommand.Run(o),
        ReliabilityOptions o => ReliabilityCommand.Run(o),
        FaultOptions o => FaultCommand.Run(o),
        ScenarioOptions o => ScenarioCommand.Run(o),
        _ => throw new UsageException("unknown verb"),
    };

    /// <summary>Maps an error to its exit code and the one line the user sees.</summary>
    private static (int Code, string Message) Describe(Exception ex) => ex switch
    {
        UsageException => (ExitCodes.Usage, ex.Message),
        DirectoryNotFoundException or FileNotFoundException => (ExitCodes.Usage, ex.Message),
        ArgumentException => (ExitCodes.Usage, ex.Message),
        ArrayStartRefusedException => (ExitCodes.Failed, $"{ex.Message} ('raidemu start ARRAY --force')"),
        ArrayFailedException or ArrayBusyException or MetadataException => (ExitCodes.Failed, ex.Message),
        RaidEmu.Core.ArrayRefusedException => (ExitCodes.Failed, ex.Message),
        InvalidOperationException => (ExitCodes.Failed, ex.Message),
        UnauthorizedAccessException => (ExitCodes.Failed, ex.Message),
        IOException => (ExitCodes.Failed, ex.Message),
        System.Net.Sockets.SocketException => (ExitCodes.Failed, ex.Message),
        _ => (ExitCodes.Failed, $"internal error: {ex.GetType().Name}: {ex.Message} (set RAIDEMU_DEBUG=1 for details)"),
    };

    private static string Explain(Error error) => error switch
    {
        NoVerbSelectedError => "no verb given; try 'raidemu --help'",
        BadVerbSelectedError e => $"unknown verb '{e.Token}'; try 'raidemu --help'",
        UnknownOptionError e => $"unknown option '{e.Token}'; try 'raidemu VERB --help'",
        MissingRequiredOptionError e => e.NameInfo.LongName.Length > 0
            ? $"missing required option --{e.NameInfo.LongName}"
            : $"missing required argument {e.NameInfo.NameText}",
        MissingValueOptionError e => $"option --{e.NameInfo.LongName} needs a value",
        BadFormatConversionError e => $"option --{e.NameInfo.LongName}: not a valid value",
        RepeatedOptionError e => $"option --{e.NameInfo.LongName} given more than once",
        _ => $"bad command line ({error.Tag})",
    };
}
