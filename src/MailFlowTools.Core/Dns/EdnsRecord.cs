using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace MailFlowTools.Core.Dns;

/// <summary>The OPT pseudo-record (RFC 6891): buffer size, extended RCODE, version, flags and options.</summary>
public sealed class EdnsRecord
{
    /// <summary>The DO bit in <see cref="Flags"/>.</summary>
    public const ushort DnssecOkFlag = 0x8000;

    /// <summary>Requestor's or responder's UDP payload size (the OPT record's CLASS field).</summary>
    public ushort UdpPayloadSize { get; init; } = 1232;

    /// <summary>Upper 8 bits of the 12-bit RCODE.</summary>
    public byte ExtendedRcode { get; init; }

    public byte Version { get; init; }

    /// <summary>All 16 flag bits: DO plus the Z bits, which must be zero unless defined.</summary>
    public ushort Flags { get; init; }

    public bool DnssecOk => (Flags & DnssecOkFlag) != 0;

    public IReadOnlyList<EdnsOption> Options { get; init; } = Array.Empty<EdnsOption>();

    /// <summary>Size of the whole OPT record on the wire.</summary>
    public int WireSize => 11 + Options.Sum(o => 4 + o.Data.Length);

    public EdnsOption? Find(EdnsOptionCode code) => Options.FirstOrDefault(o => o.Is(code));

    /// <summary>The server's NSID as text when printable, else hex.</summary>
    public string? Nsid
    {
        get
        {
            var option = Find(EdnsOptionCode.Nsid);
            if (option is null)
            {
                return null;
            }

            var printable = option.Data.All(b => b >= 0x20 && b < 0x7f);
            return printable ? Encoding.ASCII.GetString(option.Data) : BitConverter.ToString(option.Data).Replace("-", string.Empty);
        }
    }

    public byte[]? Cookie => Find(EdnsOptionCode.Cookie)?.Data;

    /// <summary>Bytes of padding (RFC 7830), or -1 when there is no padding option.</summary>
    public int PaddingLength => Find(EdnsOptionCode.Padding)?.Data.Length ?? -1;
}
