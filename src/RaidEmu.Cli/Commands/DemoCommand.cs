using System.IO.Hashing;
using RaidEmu.Cli.Options;
using RaidEmu.Cli.Output;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Mdadm;

namespace RaidEmu.Cli.Commands;

/// <summary>The guided story: every step is the same code the verbs run, explained in one line.</summary>
internal static class DemoCommand
{
    private const int Disks = 4;
    private const long DiskBytes = 33 * 1024 * 1024;
    private const int Chunk = 64 * 1024;
    private const int BlockBytes = 1024 * 1024;

    public static int Run(DemoOptions o)
    {
        string root = o.Dir ?? Path.Combine(Path.GetTempPath(), $"raidemu-demo-{Environment.ProcessId}");
        string folder = Path.Combine(root, "raid5");
        bool ok = true;
        try
        {
            Step(1, $"create a RAID 5 of {Disks} disks of {Sizes.Human(DiskBytes)} each (left-symmetric, {Chunk / 1024} KiB chunks) in {folder}");
            var options = new ArrayCreateOptions { RaidDisks = Disks, ChunkBytes = Chunk, Name = "demo" };
            var array = ArrayFolder.Create(folder, options, DiskBytes, spares: 0);
            ProgressView.Run("initial sync", array.Geometry.ComponentBytes, p => array.RunSync(p));
            Say($"{CreateCommand.Describe(array)}; initial parity computed; parity kernel {RaidArray.ParityKernel}");

            Step(2, $"fill the whole volume ({Sizes.Human(array.Length)}) with pseudo-random data and hash it");
            ulong written = Fill(array);
            Say($"xxhash128 of what was written: {written:x16}");

            Step(3, "fail disk 2: its chunks now exist only as parity on the other three");
            array.Fail(2);
            Say($"array is {MemberCommands.State(array)}");

            Step(4, "read everything back degraded: missing chunks are rebuilt from parity on the fly");
            ok &= Compare(written, Hash(array));

            Step(5, "remove the failed disk and add a fresh one: it replaces the empty slot");
            ArrayFolder.RemoveMember(array, 2);
            var added = ArrayFolder.AddMember(folder, array);
            Say($"disk 2 removed; disk {added.DevNumber} holds slot {added.Slot}; array is {MemberCommands.State(array)}");

            Step(6, $"rebuild: every chunk of disk {added.DevNumber} is the XOR of the other chunks in its stripe");
            SyncCommands.Rebuild(array, folder);

            Step(7, "check: recompute every stripe's parity and count mismatches (writes nothing)");
            long mismatches = SyncCommands.Scrub(array, repair: false);
            Say($"{mismatches} mismatched sectors");
            ok &= mismatches == 0;

            Step(8, "stop the array and assemble it again from its member files, as md would at boot");
            array.Dispose();
            array = ArrayFolder.Open(folder);
            ok &= Compare(written, Hash(array));

            Step(9, "status and event log");
            StatusCommand.Print(StatusCommand.Build(array, folder));
            CommandContext.Current.Out.WriteLine();
            foreach (var e in EventLog.Read(ArrayFolder.EventLogPath(folder)))
            {
                CommandContext.Current.Out.WriteLine(EventsCommand.Format(e));
            }

            array.Dispose();
            CommandContext.Current.Out.WriteLine();
            CommandContext.Current.Out.WriteLine(ok ? "demo passed: every comparison held" : "demo FAILED: a comparison did not hold");
            return ok ? 0 : 1;
        }
        finally
        {
            if (o.Dir == null && Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static ulong Fill(RaidArray array)
    {
        var random = new Random(2026);
        var hash = new XxHash128();
        var block = new byte[BlockBytes];
        ProgressView.Run("write", array.Length, progress =>
        {
            for (long offset = 0; offset < array.Length; offset += block.Length)
            {
                var span = block.AsSpan(0, (int)Math.Min(block.Length, array.Length - offset));
                random.NextBytes(span);
                array.Write(offset, span);
                hash.Append(span);
                progress?.Report(new SyncProgress(SyncKind.Check, offset + span.Length, array.Length));
            }
        });
        array.Flush();
        return (ulong)hash.GetCurrentHashAsUInt128();
    }

    private static ulong Hash(RaidArray array)
    {
        var hash = new XxHash128();
        VolumeCommands.ReadOut(array, 0, array.Length, hash.Append);
        return (ulong)hash.GetCurrentHashAsUInt128();
    }

    private static bool Compare(ulong expected, ulong actual)
    {
        bool same = expected == actual;
        Say(same ? $"xxhash128 {actual:x16}: identical to what was written" : $"xxhash128 {actual:x16}: DIFFERENT from {expected:x16}");
        return same;
    }

    private static void Step(int n, string text) => CommandContext.Current.Out.WriteLine($"\n[{n}] {text}");

    private static void Say(string text) => CommandContext.Current.Out.WriteLine($"    {text}");
}
