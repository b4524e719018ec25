using RaidEmu.Core.Metadata;

namespace RaidEmu.Core.Md;

/// <summary>
/// Builds each member's md v1.2 superblock from the array's state and writes it: the role table, the
/// member's own recovery offset, the event count and the resync offset. Faulty members are skipped, as md
/// leaves their superblocks as they were.
/// </summary>
internal sealed class SuperblockWriter(ArrayIdentity identity, ArrayGeometry geometry, TimeProvider clock)
{
    /// <summary>Sectors from the superblock to the write-intent bitmap; 0 when the array has none.</summary>
    public int BitmapOffsetSectors { get; set; }

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
            if (member.State == MemberState.Faulty)
            {
                continue;
            }

            Build(member, roles, events, resyncOffset).WriteTo(block);
            try
            {
                member.Device.Write(Superblock.ByteOffset, block);
                member.Device.Flush();
                member.Events = events;
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
        int count = Math.Max(geometry.RaidDisks, members.Count == 0 ? 0 : members.Max(m => m.DevNumber) + 1);
        var roles = new ushort[count];
        Array.Fill(roles, DeviceRole.Faulty);
        foreach (var member in members)
        {
            roles[member.DevNumber] = member.State switch
            {
                MemberState.InSync or MemberState.Rebuilding => (ushort)member.Slot,
                MemberState.Spare => DeviceRole.Spare,
                _ => DeviceRole.Faulty,
            };
        }

        return roles;
    }

    private Superblock Build(Member member, ushort[] roles, ulong events, ulong resyncOffset)
    {
        bool rebuilding = member.State == MemberState.Rebuilding;
        return new Superblock
        {
            FeatureMap = (rebuilding ? Superblock.FeatureRecoveryOffset : 0) | (BitmapOffsetSectors != 0 ? Superblock.FeatureBitmap : 0)
                | (rebuilding && member.BitmapRecovery && BitmapOffsetSectors != 0 ? Superblock.FeatureRecoveryBitmap : 0),
            BitmapOffset = BitmapOffsetSectors,
            SetUuid = identity.Uuid,
            SetName = identity.Name,
            CreationTime = identity.CreationTime,
            Level = (int)geometry.Level,
            Layout = geometry.Level == RaidLevel.Raid5 ? (int)geometry.Algorithm : 0,
            Size = (ulong)(geometry.ComponentBytes / 512),
            ChunkSectors = (uint)(geometry.ChunkBytes / 512),
            RaidDisks = geometry.RaidDisks,
            DataOffset = (ulong)(geometry.DataOffsetBytes / 512),
            DataSize = (ulong)((member.Device.Length - geometry.DataOffsetBytes) / 512),
            RecoveryOffset = rebuilding ? (ulong)(member.RecoveryOffset / 512) : 0,
            DevNumber = member.DevNumber,
            DeviceUuid = member.DeviceUuid,
            UpdateTime = clock.GetUtcNow(),
            Events = events,
            ResyncOffset = resyncOffset,
            Roles = roles,
        };
    }
}
