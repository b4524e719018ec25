using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Events;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Cli.Commands;

internal static class EventsCommand
{
    public static int Run(EventsOptions o)
    {
        OfflineArrays.RequireFolder(o.Array);
        var events = EventLog.Read(ArrayFolder.EventLogPath(o.Array));
        if (o.Json)
        {
            Json.Print(events);
            return 0;
        }

        foreach (var e in events)
        {
            CommandContext.Current.Out.WriteLine(Format(e));
        }

        return 0;
    }

    public static string Format(ArrayEvent e) =>
        $"{e.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}  {e.Events,4}  {e.Type,-18} {(e.Member is { } m ? $"disk {m}: " : "")}{e.Details}";
}
