using System;

namespace MailFlowTools.Core.Dns;

/// <summary>One EDNS option: its code and its raw value.</summary>
public sealed class EdnsOption
{
    public EdnsOption(ushort code, byte[]? data)
    {
        Code = code;
        Data = data ?? Array.Empty<byte>();
    }

    public EdnsOption(EdnsOptionCode code, byte[]? data)
        : this((ushort)code, data)
    {
    }

    public ushort Code { get; }

    public byte[] Data { get; }

    public bool Is(EdnsOptionCode code) => Code == (ushort)code;

    public override string ToString() => Code + ":" + Data.Length;
}
