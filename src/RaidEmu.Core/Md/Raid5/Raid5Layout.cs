namespace RaidEmu.Core.Md.Raid5;

/// <summary>
/// Pure functions from logical offsets to member positions, exactly as Linux md's raid5_compute_sector
/// places them, so a member set written here assembles under the kernel driver.
/// </summary>
public static class Raid5Layout
{
    /// <summary>The text name mdadm uses for a layout (left-symmetric, ...).</summary>
    public static string Name(Raid5Algorithm algorithm) => algorithm switch
    {
        Raid5Algorithm.LeftAsymmetric => "left-asymmetric",
        Raid5Algorithm.RightAsymmetric => "right-asymmetric",
        Raid5Algorithm.LeftSymmetric => "left-symmetric",
        Raid5Algorithm.RightSymmetric => "right-symmetric",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    /// <summary>Parses mdadm's layout names (and its short forms la, ra, ls, rs).</summary>
    public static bool TryParse(string text, out Raid5Algorithm algorithm)
    {
        algorithm = text.ToLowerInvariant() switch
        {
            "left-asymmetric" or "la" => Raid5Algorithm.LeftAsymmetric,
            "right-asymmetric" or "ra" => Raid5Algorithm.RightAsymmetric,
            "left-symmetric" or "ls" => Raid5Algorithm.LeftSymmetric,
            "right-symmetric" or "rs" => Raid5Algorithm.RightSymmetric,
            _ => (Raid5Algorithm)(-1),
        };
        return Enum.IsDefined(algorithm);
    }

    /// <summary>The slot holding parity in <paramref name="stripe"/>.</summary>
    public static int ParityMember(Raid5Algorithm algorithm, long stripe, int members)
    {
        int turn = (int)(stripe % members);
        return algorithm switch
        {
            // Left layouts start parity on the last member and move left.
            Raid5Algorithm.LeftAsymmetric or Raid5Algorithm.LeftSymmetric => members - 1 - turn,
            Raid5Algorithm.RightAsymmetric or Raid5Algorithm.RightSymmetric => turn,
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
        };
    }

    /// <summary>The slot holding data chunk <paramref name="dataIndex"/> of <paramref name="stripe"/>.</summary>
    public static int DataMember(Raid5Algorithm algorithm, long stripe, int dataIndex, int members)
    {
        int parity = ParityMember(algorithm, stripe, members);
        return algorithm switch
        {
            // Asymmetric: data in member order, stepping over parity.
            Raid5Algorithm.LeftAsymmetric or Raid5Algorithm.RightAsymmetric => dataIndex >= parity ? dataIndex + 1 : dataIndex,
            // Symmetric: data starts just after parity and wraps round.
            _ => (parity + 1 + dataIndex) % members,
        };
    }

    /// <summary>The data index stored on <paramref name="member"/> in <paramref name="stripe"/>, or -1 when it holds parity.</summary>
    public static int DataIndexOf(Raid5Algorithm algorithm, long stripe, int member, int members)
    {
        int parity = ParityMember(algorithm, stripe, members);
        if (member == parity)
        {
            return -1;
        }

        return algorithm switch
        {
            Raid5Algorithm.LeftAsymmetric or Raid5Algorithm.RightAsymmetric => member > parity ? member - 1 : member,
            _ => (member - parity - 1 + members) % members,
        };
    }

    /// <summary>Maps a logical byte offset to its stripe, member and member offset.</summary>
    public static ChunkLocation Map(Raid5Algorithm algorithm, int members, int chunkBytes, long logicalOffset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 3);
        ArgumentOutOfRangeException.ThrowIfNegative(logicalOffset);
        long chunk = logicalOffset / chunkBytes;
        long stripe = chunk / (members - 1);
        int dataIndex = (int)(chunk % (members - 1));
        int parity = ParityMember(algorithm, stripe, members);
        int member = DataMember(algorithm, stripe, dataIndex, members);
        long memberOffset = (stripe * chunkBytes) + (logicalOffset % chunkBytes);
        return new ChunkLocation(stripe, dataIndex, member, parity, memberOffset);
    }
}
