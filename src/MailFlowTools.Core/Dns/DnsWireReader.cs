using System;

namespace MailFlowTools.Core.Dns;

/// <summary>A bounds-checked big-endian cursor over a whole message; every overrun is a <see cref="DnsParseException"/>.</summary>
internal ref struct DnsWireReader
{
    private readonly ReadOnlySpan<byte> _message;

    public DnsWireReader(ReadOnlySpan<byte> message)
    {
        _message = message;
        Position = 0;
    }

    public int Position { get; set; }

    public int Length => _message.Length;

    public int Remaining => _message.Length - Position;

    public byte ReadByte(string what)
    {
        Need(1, what);
        return _message[Position++];
    }

    public ushort ReadUInt16(string what)
    {
        Need(2, what);
        var value = (ushort)((_message[Position] << 8) | _message[Position + 1]);
        Position += 2;
        return value;
    }

    public uint ReadUInt32(string what)
    {
        Need(4, what);
        var value = ((uint)_message[Position] << 24) | ((uint)_message[Position + 1] << 16) | ((uint)_message[Position + 2] << 8) | _message[Position + 3];
        Position += 4;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count, string what)
    {
        Need(count, what);
        var slice = _message.Slice(Position, count);
        Position += count;
        return slice;
    }

    public string ReadName()
    {
        var offset = Position;
        var name = DnsName.Read(_message, ref offset);
        Position = offset;
        return name;
    }

    private void Need(int count, string what)
    {
        if (count < 0 || Position + count > _message.Length)
        {
            throw new DnsParseException($"The message ends inside {what}.", Position);
        }
    }
}
