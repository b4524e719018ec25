using System.Buffers;
using System.Globalization;
using System.Text;

namespace RaidEmu.Cli.Tests.Kernel;

/// <summary>
/// Writes the "newc" cpio format the Linux kernel unpacks as an initramfs: per entry a 110-byte ASCII header
/// ("070701" and thirteen 8-digit hex fields), the name with its NUL, padding to 4 bytes, the data, padding to 4.
/// The kernel accepts several archives one after another, so a fixed base and a small per-run archive can be
/// concatenated without rebuilding the base.
/// </summary>
internal sealed class CpioArchive
{
    private const int Directory = 0x4000 | 0x1ED; // S_IFDIR | 0755
    private const int Executable = 0x8000 | 0x1ED; // S_IFREG | 0755
    private const int Symlink = 0xA000 | 0x1FF; // S_IFLNK | 0777

    private readonly ArrayBufferWriter<byte> _buffer = new();
    private int _inode = 1;

    public void AddDirectory(string path) => Add(path, Directory, []);

    public void AddFile(string path, byte[] data) => Add(path, Executable, data);

    public void AddSymlink(string path, string target) => Add(path, Symlink, Encoding.ASCII.GetBytes(target));

    /// <summary>The archive with its trailer.</summary>
    public byte[] ToArray()
    {
        Add("TRAILER!!!", 0, []);
        return _buffer.WrittenSpan.ToArray();
    }

    private void Add(string path, int mode, byte[] data)
    {
        byte[] name = Encoding.ASCII.GetBytes(path + "\0");
        var header = new StringBuilder("070701");
        foreach (long field in new long[] { _inode++, mode, 0, 0, 1, 0, data.Length, 0, 0, 0, 0, name.Length, 0 })
        {
            header.Append(field.ToString("x8", CultureInfo.InvariantCulture));
        }

        _buffer.Write(Encoding.ASCII.GetBytes(header.ToString()));
        _buffer.Write(name);
        Pad();
        _buffer.Write(data);
        Pad();
    }

    private void Pad()
    {
        while (_buffer.WrittenCount % 4 != 0)
        {
            _buffer.Write((byte[])[0]);
        }
    }
}
