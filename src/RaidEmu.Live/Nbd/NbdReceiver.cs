using System.Net.Sockets;

namespace RaidEmu.Live.Nbd;

/// <summary>
/// The receiving side of a connection, read through one small buffer: a client with many requests in flight
/// (fio at queue depth 16, nbdcopy) sends headers and small payloads back to back, and one socket read takes
/// several of them instead of two reads per request. A payload too large for the buffer is read straight into
/// its destination. The buffer is <see cref="Size"/> bytes per connection, so with at most
/// <see cref="NbdServer.MaxConnections"/> connections it stays a bounded 16 MiB in all.
/// </summary>
internal sealed class NbdReceiver(Stream stream)
{
    public const int Size = 32 * 1024;

    private readonly byte[] _buffer = new byte[Size];
    private int _start;
    private int _end;

    /// <summary>Bytes already received and not yet taken: this many can be read without waiting on the socket.</summary>
    public int Buffered => _end - _start;

    /// <summary>
    /// Copies the next <paramref name="destination"/>.Length bytes without taking them, when they have arrived:
    /// true if they were buffered or already waiting on the socket (read without blocking), false otherwise.
    /// </summary>
    public async ValueTask<bool> TryPeekAsync(Memory<byte> destination, CancellationToken ct)
    {
        if (Buffered < destination.Length && stream is NetworkStream { DataAvailable: true })
        {
            // The bytes left go to the front, so a header split by the last read can be completed.
            _buffer.AsSpan(_start, Buffered).CopyTo(_buffer);
            _end = Buffered;
            _start = 0;
            int got = await stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
            if (got == 0)
            {
                throw new EndOfStreamException("the client closed the connection in the middle of a request");
            }

            _end += got;
        }

        if (Buffered < destination.Length)
        {
            return false;
        }

        _buffer.AsMemory(_start, destination.Length).CopyTo(destination);
        return true;
    }

    /// <summary>Takes <paramref name="count"/> bytes a peek saw.</summary>
    public void Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Buffered);
        _start += count;
    }

    /// <summary>Fills <paramref name="destination"/>, first from what is buffered, then from the socket.</summary>
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken ct)
    {
        int n = Math.Min(Buffered, destination.Length);
        _buffer.AsMemory(_start, n).CopyTo(destination);
        _start += n;
        destination = destination[n..];
        if (destination.IsEmpty)
        {
            return;
        }

        if (destination.Length >= Size / 2)
        {
            await stream.ReadExactlyAsync(destination, ct).ConfigureAwait(false);
            return;
        }

        while (!destination.IsEmpty)
        {
            _start = 0;
            _end = 0;
            int got = await stream.ReadAsync(_buffer, ct).ConfigureAwait(false);
            if (got == 0)
            {
                throw new EndOfStreamException("the client closed the connection in the middle of a request");
            }

            _end = got;
            int m = Math.Min(got, destination.Length);
            _buffer.AsMemory(0, m).CopyTo(destination);
            _start = m;
            destination = destination[m..];
        }
    }
}
