using System.Buffers;
using System.Runtime.InteropServices;

namespace RaidEmu.Core.Parity;

/// <summary>
/// Native memory aligned to 64 bytes (one cache line, one AVX-512 vector), so the parity kernel
/// loads and stores whole lines. GC arrays only guarantee 8-byte alignment.
/// </summary>
public sealed unsafe class AlignedBuffer : MemoryManager<byte>
{
    private const int Alignment = 64;
    private byte* _pointer;

    /// <summary>Allocates <paramref name="length"/> zeroed bytes.</summary>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(length, 1), Alignment);
        NativeMemory.Clear(_pointer, (nuint)length);
    }

    /// <summary>Size in bytes.</summary>
    public int Length { get; }

    /// <summary>Start of the memory; it never moves.</summary>
    internal byte* Pointer => _pointer;

    /// <inheritdoc />
    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        return new Span<byte>(_pointer, Length);
    }

    /// <inheritdoc />
    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    /// <inheritdoc />
    public override void Unpin()
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }
}
