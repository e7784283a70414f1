using System;

namespace MailFlowTools.Core.Dns;

/// <summary>A growable big-endian byte buffer, capped at the largest DNS message (65535 bytes).</summary>
internal sealed class DnsWireWriter
{
    public const int MaxMessageSize = 65535;

    private byte[] _buffer;

    public DnsWireWriter(int initialCapacity = 512)
    {
        _buffer = new byte[Math.Min(Math.Max(initialCapacity, 12), MaxMessageSize)];
    }

    public int Position { get; private set; }

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[Position++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        Ensure(2);
        _buffer[Position++] = (byte)(value >> 8);
        _buffer[Position++] = (byte)value;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        _buffer[Position++] = (byte)(value >> 24);
        _buffer[Position++] = (byte)(value >> 16);
        _buffer[Position++] = (byte)(value >> 8);
        _buffer[Position++] = (byte)value;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Position));
        Position += bytes.Length;
    }

    /// <summary>Overwrites a 16-bit value written earlier (RDLENGTH, section counts).</summary>
    public void PatchUInt16(int position, ushort value)
    {
        _buffer[position] = (byte)(value >> 8);
        _buffer[position + 1] = (byte)value;
    }

    public byte[] ToArray() => _buffer.AsSpan(0, Position).ToArray();

    private void Ensure(int count)
    {
        if (Position + count > MaxMessageSize)
        {
            throw new ArgumentException("The DNS message would exceed 65535 bytes.");
        }

        if (Position + count > _buffer.Length)
        {
            var size = Math.Min(MaxMessageSize, Math.Max(_buffer.Length * 2, Position + count));
            Array.Resize(ref _buffer, size);
        }
    }
}
