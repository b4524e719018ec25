using System.Buffers;

namespace RaidEmu.Live.Nbd;

/// <summary>
/// The buffers requests are served through. A connection holds at most one at a time and moves any payload
/// through it in pieces, so the bytes in flight are bounded by the connection limit times <see cref="Size"/>,
/// whatever sizes clients ask for; the pool keeps a bounded number for reuse.
/// </summary>
internal static class NbdBuffers
{
    /// <summary>One piece of a payload; also the largest option the handshake accepts.</summary>
    public const int Size = 128 * 1024;

    private static readonly ArrayPool<byte> s_pool = ArrayPool<byte>.Create(Size, 64);

    public static byte[] Rent() => s_pool.Rent(Size);

    public static void Return(byte[] buffer) => s_pool.Return(buffer);
}
