using System.Buffers;
using System.Runtime.InteropServices;

namespace RaidEmu.Core.Parity;

/// <summary>
/// Native memory aligned to 64 bytes (one cache line, one AVX-512 vector), so the parity kernel
/// loads and stores whole lines. GC arrays only guarantee 8-byte alignment.
/// </summary>
/// <remarks>
/// A large buffer is mapped from the kernel and unmapped when disposed. Taken from malloc, the stripe
/// scratch of a busy server (2 MiB each, one per write in flight) stayed in glibc's per-thread arenas
/// after it was freed, and every byte was touched by clearing it: a server with 4 clients of 64 writes
/// in flight each reached 397 MB of resident memory. Mapped pages are zero until first written and
/// count as resident only then, and unmapping gives them back at once.
/// </remarks>
public sealed unsafe partial class AlignedBuffer : MemoryManager<byte>
{
    private const int Alignment = 64;

    /// <summary>From this size on a buffer is mapped rather than taken from malloc.</summary>
    private const int MapFrom = 64 * 1024;

    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 2;
    private const int MapAnonymous = 0x20;

    private readonly bool _mapped;
    private byte* _pointer;

    /// <summary>Allocates <paramref name="length"/> zeroed bytes.</summary>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        if (length >= MapFrom && OperatingSystem.IsLinux())
        {
            void* at = Mmap(null, (nuint)length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (at == (void*)-1)
            {
                throw new InsufficientMemoryException($"cannot map {length} bytes of scratch memory (errno {Marshal.GetLastPInvokeError()})");
            }

            _pointer = (byte*)at;
            _mapped = true;
            return;
        }

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
            if (_mapped)
            {
                _ = Munmap(_pointer, (nuint)Length);
            }
            else
            {
                NativeMemory.AlignedFree(_pointer);
            }

            _pointer = null;
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(void* address, nuint length);
}
