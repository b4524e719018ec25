using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Md;

/// <summary>
/// Builds each member's md v1.2 superblock from the array's state and writes it: the role table, the
/// member's own recovery offset, corrected read errors and bad-block log, the event count and the resync offset.
/// Faulty members are skipped, as md leaves their superblocks as they were.
/// </summary>
internal sealed class SuperblockWriter(ArrayIdentity identity, ArrayGeometry geometry, TimeProvider clock)
{
    /// <summary>Sectors from the superblock to the write-intent bitmap; 0 when the array has none.</summary>
    public int BitmapOffsetSectors { get; set; }

    /// <summary>Bytes of the bitmap's header and bits; a new member's bad-block log goes after them.</summary>
    public long BitmapBytes { get; set; }

    /// <summary>
    /// Writes and flushes every live member's superblock. Stops at the first member that fails and reports
    /// it through <paramref name="failed"/>: that failure is itself a state change, written by the caller.
    /// </summary>
    public void WriteAll(IReadOnlyList<Member> members, ulong events, ulong resyncOffset, Action<Member, IOException> failed)
    {
        Span<byte> block = stackalloc byte[Superblock.BlockBytes];
        var roles = RoleTable(members);
        foreach (var member in members)
        {
            // md leaves the superblocks of faulty and kicked-out members as they were.
            if (member.State is MemberState.Faulty or MemberState.Stale)
            {
                continue;
            }

            var super = Build(member, roles, events, resyncOffset);
            long logVersion = member.BadBlocks.Version;
            var runs = member.BadBlocks.Runs;
            if (runs.Count > 0 && !BadBlockLog.IsConfigured(super))
            {
                // md's super_1_sync: bad blocks on a member with nowhere to record them fail the member.
                failed(member, new IOException($"disk {member.DevNumber} has bad blocks but no bad-block log to record them in"));
                return;
            }

            super.FeatureMap = runs.Count > 0 ? super.FeatureMap | Superblock.FeatureBadBlocks : super.FeatureMap & ~Superblock.FeatureBadBlocks;
            super.WriteTo(block);
            try
            {
                // The log first, flushed, so a superblock that announces bad blocks never points at an older log.
                if (logVersion != member.BadBlocksWritten && BadBlockLog.IsConfigured(super))
                {
                    var log = BadBlockLog.Encode(runs.Select(r => (r.Sector, r.Count)), super.BadBlockLogSize, super.BadBlockLogShift);
                    member.Device.Write(BadBlockLog.ByteOffset(super), log);
                    member.Device.Flush();
                }

                member.Device.Write(Superblock.ByteOffset, block);
                member.Device.Flush();
                member.Events = events;
                member.OnDisk = super;
                member.BadBlocksWritten = logVersion;
            }
            catch (IOException ex)
            {
                failed(member, ex);
                return;
            }
        }
    }

    private ushort[] RoleTable(IReadOnlyList<Member> members)
    {
        // Loops rather than Max and Array.Fill: their instantiations over int and ushort are compiled at run time
        // in every command that writes superblocks.
        int count = geometry.RaidDisks;
        foreach (var member in members)
        {
            count = Math.Max(count, member.DevNumber + 1);
        }

        var roles = new ushort[count];
        // md marks every device number not in the array 0xffff; only members known faulty get 0xfffe.
        for (int i = 0; i < roles.Length; i++)
        {
            roles[i] = DeviceRole.Spare;
        }
        foreach (var member in members)
        {
            roles[member.DevNumber] = member.State switch
            {
                MemberState.InSync or MemberState.Rebuilding => (ushort)member.Slot,
                MemberState.Spare or MemberState.Stale => DeviceRole.Spare,
                _ => DeviceRole.Faulty,
            };
        }

        return roles;
    }

    /// <summary>
    /// The member's next superblock: its current one with what the array changes set anew. Everything else read
    /// from the member (bitmap offset and feature bit, bad-block log, devflags, reshape fields, data size) is
    /// written back unchanged.
    /// </summary>
    private Superblock Build(Member member, ushort[] roles, ulong events, ulong resyncOffset)
    {
        bool rebuilding = member.State == MemberState.Rebuilding;
        var sb = member.OnDisk?.Copy() ?? NewSuperblock(member);
        const uint ours = Superblock.FeatureRecoveryOffset | Superblock.FeatureBitmap | Superblock.FeatureRecoveryBitmap;
        sb.FeatureMap = (sb.FeatureMap & ~ours)
            | (rebuilding ? Superblock.FeatureRecoveryOffset : 0)
            | (BitmapOffsetSectors != 0 ? Superblock.FeatureBitmap : 0)
            | (rebuilding && member.BitmapRecovery && BitmapOffsetSectors != 0 ? Superblock.FeatureRecoveryBitmap : 0);
        sb.BitmapOffset = BitmapOffsetSectors;
        sb.SetUuid = identity.Uuid;
        sb.SetName = identity.Name;
        sb.CreationTime = identity.CreationTime;
        sb.Level = (int)geometry.Level;
        sb.Layout = geometry.Level == RaidLevel.Raid5 ? (int)geometry.Algorithm : 0;
        sb.Size = (ulong)(geometry.ComponentBytes / 512);
        sb.ChunkSectors = (uint)(geometry.ChunkBytes / 512);
        sb.RaidDisks = geometry.RaidDisks;
        sb.DataOffset = (ulong)(geometry.DataOffsetBytes / 512);
        sb.RecoveryOffset = rebuilding ? (ulong)(member.RecoveryOffset / 512) : 0;
        sb.DevNumber = member.DevNumber;
        sb.CorrectedReads = (uint)member.CorrectedReadErrors;
        sb.DeviceUuid = member.DeviceUuid;
        sb.UpdateTime = clock.GetUtcNow();
        sb.Events = events;
        sb.ResyncOffset = resyncOffset;
        sb.Roles = roles;
        return sb;
    }

    /// <summary>A new member's own fields, as mdadm writes them: its data size and a bad-block log after the bitmap.</summary>
    private Superblock NewSuperblock(Member member)
    {
        long dataOffsetSectors = geometry.DataOffsetBytes / 512;
        var (offset, size) = BadBlockLog.Place(geometry.ComponentBytes / 512, BitmapOffsetSectors, BitmapBytes, dataOffsetSectors);
        return new Superblock
        {
            DataSize = (ulong)((member.Device.Length / 512) - dataOffsetSectors),
            BadBlockLogOffset = offset,
            BadBlockLogSize = size,
        };
    }
}
