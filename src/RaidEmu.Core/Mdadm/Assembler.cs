using RaidEmu.Core.Devices;
using RaidEmu.Core.Events;
using RaidEmu.Core.Md;
using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Mdadm;

/// <summary>
/// Assembles an array from its members' superblocks, as <c>mdadm --assemble</c>: picks the freshest
/// superblock as the reference, places each member in its slot or marks it stale, spare or faulty, and
/// decides whether the array may start.
/// </summary>
public static class Assembler
{
    // How far behind the freshest superblock a member may be and still count as in sync (mdadm's event_margin).
    private const ulong EventMargin = 1;

    // Enough that a link failing half its commands still delivers the metadata (1 read in 65,536 would not).
    private const int MetadataReadAttempts = 16;

    /// <summary>
    /// Assembles with md's rules: the highest event count is the reference; a member behind it is stale and
    /// is rebuilt, never read; a RAID 5 missing two members does not start; a dirty and degraded RAID 5
    /// starts only with <paramref name="force"/> (the write hole). Assembly writes nothing unless it is
    /// forced. With <paramref name="inspect"/>, an array that may not start is still returned, for reporting
    /// only: <see cref="RaidArray.StartProblem"/> says why it would not start.
    /// </summary>
    public static RaidArray Assemble(
        IReadOnlyList<MemberSource> sources, IEventSink sink, bool force = false, TimeProvider? clock = null, bool ownsDevices = true, bool inspect = false, IReadOnlyList<LeftOutMember>? unopened = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0 && unopened is not { Count: > 0 })
        {
            throw new MetadataException("no member files to assemble");
        }

        var leftOut = new List<LeftOutMember>(unopened ?? []);
        var found = ReadSuperblocks(sources, leftOut, ownsDevices);
        CheckSameArray(found);
        RefuseUnsupportedFeatures(found);

        // Freshest first: the first is the reference, and a slot goes to its current member before any stale copy.
        StableSort.InPlace(found, (a, b) => b.Super.Events.CompareTo(a.Super.Events));
        var referenceSource = found[0].Source;
        var reference = found[0].Super;
        var geometry = GeometryOf(reference);
        var members = new List<Member>();
        var slots = new Member?[geometry.RaidDisks];
        foreach (var metadata in found)
        {
            var member = PlaceMember(metadata.Source, metadata.Super, reference, slots, members);
            member.LoadFromDisk(metadata.Super, metadata.Log, Label(metadata.Source));
            members.Add(member);
        }

        bool dirty = reference.ResyncOffset != Superblock.Synced;
        var takenBack = force && !inspect && InSync(slots) < geometry.MinInSync
            ? ForcedAssembly.TakeBack(geometry, members, slots, reference)
            : [];
        string? problem = StartProblem(geometry, reference.SetName, slots, dirty, force, out bool failed);
        if (problem != null && failed && force)
        {
            problem += "; even by force, no other member holds whole data for a missing slot, and starting would need made-up data";
        }

        if (problem != null && leftOut.Count > 0)
        {
            problem += $" (left out: {Reasons(leftOut)})";
        }

        if (problem != null && !inspect)
        {
            throw failed ? new ArrayFailedException(problem) : new ArrayStartRefusedException(problem);
        }

        bool forced = problem == null && (Forced(geometry, slots, dirty) || takenBack.Count > 0);

        // A forced start accepts parity as it is: nothing can be resynced without the missing member.
        long synced = !dirty || forced ? long.MaxValue : (long)reference.ResyncOffset * 512;
        var start = new ArrayStartState(reference.Events, synced, members.Any(m => m.State == MemberState.Rebuilding));
        var identity = new ArrayIdentity(reference.SetUuid, reference.SetName, reference.CreationTime);
        var array = new RaidArray(identity, geometry, members, start, new ArrayHost(sink, clock ?? TimeProvider.System, ownsDevices), Personalities.For(geometry.Level));
        AttachBitmap(array, referenceSource, reference, synced, readOnly: inspect);
        array.LeftOut = leftOut;
        if (problem != null)
        {
            array.MarkUnstartable(problem, failed);
        }
        else if (takenBack.Count > 0)
        {
            array.Record(EventTypes.ArrayForced, null, $"started by force: {string.Join("; ", takenBack)}");
        }
        else if (forced)
        {
            array.Record(EventTypes.ArrayForced, null, "dirty and degraded RAID 5 started by force; stripes written at the stop may hold wrong data");
        }

        array.ForceNotes = takenBack;

        if (problem == null && !inspect)
        {
            array.TakeSparesForEmptySlots();
        }

        return array;
    }

    /// <summary>
    /// Keeps and uses the internal bitmap the superblock announces (md's own or ours). One older than the
    /// superblock is stale: every bit is set, so the pending resync or recovery is a full one.
    /// </summary>
    private static void AttachBitmap(RaidArray array, MemberSource source, Superblock reference, long synced, bool readOnly)
    {
        if ((reference.FeatureMap & Superblock.FeatureBitmap) == 0)
        {
            return;
        }

        var bitmap = WriteIntentBitmap.Load(source.Device, reference, Label(source), out bool stale);
        array.AttachBitmap(bitmap, synced, readOnly);
        if (stale && !readOnly)
        {
            array.Note(EventTypes.BitmapStale, $"bitmap events {bitmap.Header.Events} are behind the superblock's {reference.Events}: every chunk is treated as dirty");
        }
    }

    /// <summary>
    /// Reads every member's superblock and bad-block log. A member whose superblock or log is missing, damaged or
    /// impossible for its file is left out with the reason, as md assembles without a device it cannot load; only
    /// when none is readable does assembly fail.
    /// </summary>
    private static List<MemberMetadata> ReadSuperblocks(IReadOnlyList<MemberSource> sources, List<LeftOutMember> leftOut, bool ownsDevices)
    {
        // A list of a class, not of tuples: a framework collection of a value type is compiled at run time in every
        // short command, where one of a reference type comes precompiled.
        var found = new List<MemberMetadata>(sources.Count);
        for (int i = 0; i < sources.Count; i++)
        {
            var source = sources[i];
            try
            {
                found.Add(ReadMetadata(source));
            }
            catch (Exception ex) when (ex is MetadataException or IOException)
            {
                leftOut.Add(new LeftOutMember(Label(source), ex.Message));
                if (ownsDevices)
                {
                    source.Device.Dispose();
                }
            }
        }

        if (found.Count == 0)
        {
            throw new MetadataException(Reasons(leftOut));
        }

        return found;
    }

    /// <summary>
    /// One member's superblock and bad-block log. A transient error (a flaky link: a plain I/O error, not a
    /// medium error, a gone or hung device, or damage) is retried, as md's block layer retries a command: a
    /// member left out for one bad read could let an older member carry the array, and writes acknowledged
    /// there would be lost when the newer one comes back.
    /// </summary>
    private static MemberMetadata ReadMetadata(MemberSource source)
    {
        var super = Retried(() => Superblock.Read(source.Device, Label(source)));
        return new MemberMetadata(source, super, Retried(() => BadBlockLog.Read(source.Device, super, Label(source))));
    }

    private static int InSync(Member?[] slots)
    {
        int count = 0;
        foreach (var member in slots)
        {
            if (member is { State: MemberState.InSync })
            {
                count++;
            }
        }

        return count;
    }

    private static string Reasons(List<LeftOutMember> leftOut)
    {
        var reasons = new string[leftOut.Count];
        for (int i = 0; i < reasons.Length; i++)
        {
            reasons[i] = leftOut[i].Reason;
        }

        return string.Join("; ", reasons);
    }

    private static T Retried<T>(Func<T> read)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return read();
            }
            catch (IOException ex) when (attempt < MetadataReadAttempts && IsTransient(ex))
            {
            }
        }
    }

    private static bool IsTransient(IOException error) =>
        error is not (MetadataException or MediumErrorException or DeviceGoneException or DeviceTimeoutException);

    /// <summary>Why the array may not start (null when it may); <paramref name="failed"/> tells too few members from a refusal.</summary>
    private static string? StartProblem(ArrayGeometry geometry, string name, Member?[] slots, bool dirty, bool force, out bool failed)
    {
        int inSync = InSync(slots);
        failed = inSync < geometry.MinInSync;
        if (failed)
        {
            return $"array '{name}' cannot start: only {inSync} of {geometry.RaidDisks} members are in sync (RAID {(int)geometry.Level} needs {geometry.MinInSync})";
        }

        if (Forced(geometry, slots, dirty) && !force)
        {
            return $"array '{name}' is both dirty (unclean stop) and degraded: parity of stripes written at the stop may be wrong (the RAID 5 write hole); start it with force to accept that";
        }

        return null;
    }

    /// <summary>True for the write-hole case, which starts only by force.</summary>
    private static bool Forced(ArrayGeometry geometry, Member?[] slots, bool dirty) =>
        geometry.Level == RaidLevel.Raid5 && dirty && InSync(slots) < geometry.RaidDisks;

    private static Member PlaceMember(MemberSource source, Superblock super, Superblock reference, Member?[] slots, List<Member> placed)
    {
        ushort role = super.DevNumber < reference.Roles.Length ? reference.Roles[super.DevNumber] : DeviceRole.Faulty;
        var member = new Member(super.DevNumber, source.Device, source.Path, super.DeviceUuid) { Events = super.Events };
        if (placed.Any(m => m.DevNumber == super.DevNumber))
        {
            throw new MetadataException($"{Label(source)}: device number {super.DevNumber} is claimed by another member file too");
        }

        if (role < slots.Length && slots[role] == null)
        {
            // Members are placed freshest first, so a slot is taken by its current member before any stale copy.
            bool fresh = IsCurrent(super, reference, role);
            bool resuming = fresh && (super.FeatureMap & Superblock.FeatureRecoveryOffset) != 0;
            member.Slot = role;
            member.State = fresh && !resuming ? MemberState.InSync : MemberState.Rebuilding;
            member.RecoveryOffset = resuming ? (long)super.RecoveryOffset * 512 : 0;
            member.WasStale = !fresh;
            member.BitmapRecovery = resuming && (super.FeatureMap & Superblock.FeatureRecoveryBitmap) != 0;
            slots[role] = member;
        }
        else if (role == DeviceRole.Spare && super.OwnRole < reference.RaidDisks && super.Events + EventMargin < reference.Events)
        {
            // md kicked it as non-fresh and no longer lists it: old data, not a spare to rebuild onto.
            member.State = MemberState.Stale;
            member.Slot = super.OwnRole;
        }
        else if (role == DeviceRole.Spare)
        {
            member.State = MemberState.Spare;
        }
        else
        {
            member.State = MemberState.Faulty;
            member.Slot = super.OwnRole < reference.RaidDisks ? super.OwnRole : -1;
        }

        return member;
    }

    /// <summary>
    /// True when the member's data can be trusted for <paramref name="role"/>. Superblocks are written one member
    /// at a time, so a process killed between two of them leaves members one event apart with every data byte
    /// in place; md and mdadm allow that difference of one event. Its role still comes from the freshest
    /// superblock, and a member whose own superblock does not hold that slot yet (a spare given the slot in the
    /// interrupted round) is rebuilt rather than trusted.
    /// </summary>
    private static bool IsCurrent(Superblock super, Superblock reference, ushort role) =>
        super.Events == reference.Events
        || (super.Events + EventMargin >= reference.Events && super.OwnRole == role);

    /// <summary>
    /// Refuses features RaidEmu does not implement: running with them would serve wrong bytes (a reshape moves data
    /// from its position on) or drop what they protect (a journal, a partial parity log).
    /// </summary>
    private static void RefuseUnsupportedFeatures(List<MemberMetadata> found)
    {
        foreach (var metadata in found)
        {
            var names = FeatureBits.Unsupported(metadata.Super.FeatureMap);
            if (names.Count > 0)
            {
                throw new ArrayRefusedException($"{Label(metadata.Source)}: md feature not implemented by RaidEmu: {string.Join(", ", names)}; assemble this array with mdadm instead");
            }
        }
    }

    private static void CheckSameArray(List<MemberMetadata> found)
    {
        var majority = Majority(found);
        foreach (var (source, super, _) in found)
        {
            if (super.SetUuid != majority.Super.SetUuid)
            {
                throw new MetadataException(
                    $"{Label(source)}: belongs to array {super.SetUuid} ('{super.SetName}'), not to {majority.Super.SetUuid} ('{majority.Super.SetName}') like {Label(majority.Source)}");
            }

            if (super.Level != majority.Super.Level || super.RaidDisks != majority.Super.RaidDisks
                || super.ChunkSectors != majority.Super.ChunkSectors || super.Layout != majority.Super.Layout
                || super.Size != majority.Super.Size || super.DataOffset != majority.Super.DataOffset)
            {
                throw new MetadataException($"{Label(source)}: geometry differs from {Label(majority.Source)} of the same array");
            }
        }
    }

    /// <summary>
    /// The first member of the array most members belong to; on a tie, of the array met first. Counted by hand:
    /// grouping by a <see cref="Guid"/> key is compiled at run time in every command.
    /// </summary>
    private static MemberMetadata Majority(List<MemberMetadata> found)
    {
        var majority = found[0];
        int most = 0;
        for (int i = 0; i < found.Count; i++)
        {
            int count = 0;
            foreach (var other in found)
            {
                count += other.Super.SetUuid == found[i].Super.SetUuid ? 1 : 0;
            }

            if (count > most)
            {
                (majority, most) = (found[i], count);
            }
        }

        return majority;
    }

    private static ArrayGeometry GeometryOf(Superblock super) => new(
        (RaidLevel)super.Level,
        super.RaidDisks,
        (int)super.ChunkSectors * 512,
        super.Level == 5 ? (Raid5Algorithm)super.Layout : Raid5Algorithm.LeftSymmetric,
        (long)super.Size * 512,
        (long)super.DataOffset * 512);

    private static string Label(MemberSource source) => source.Path ?? "device";

    /// <summary>A member's superblock and bad-block log as assembly read them.</summary>
    private sealed record MemberMetadata(MemberSource Source, Superblock Super, IReadOnlyList<(long Sector, long Count)> Log);
}
