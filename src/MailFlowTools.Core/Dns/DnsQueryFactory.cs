using System;
using System.Security.Cryptography;

namespace MailFlowTools.Core.Dns;

/// <summary>Builds query messages with unpredictable IDs (spoofed answers must guess them).</summary>
public static class DnsQueryFactory
{
    private static readonly RandomNumberGenerator Rng = RandomNumberGenerator.Create();

    public static DnsMessage Create(string name, DnsRecordType type, DnsQueryOptions? options = null)
    {
        options ??= new DnsQueryOptions();
        if (options.EdnsBufferSize is < 0 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The EDNS buffer size must be 0 to 65535.");
        }

        EdnsRecord? edns = null;
        if (options.EdnsBufferSize > 0)
        {
            edns = new EdnsRecord
            {
                UdpPayloadSize = (ushort)options.EdnsBufferSize,
                Version = options.EdnsVersion,
                Flags = (ushort)((options.DnssecOk ? EdnsRecord.DnssecOkFlag : 0) | options.ExtraEdnsFlags),
                Options = options.EdnsOptions,
            };
        }

        return new DnsMessage
        {
            Id = options.Id ?? NewId(),
            RecursionDesired = options.RecursionDesired,
            CheckingDisabled = options.CheckingDisabled,
            Questions = new[] { new DnsQuestion(name, type) },
            Edns = edns,
        };
    }

    public static ushort NewId()
    {
        var bytes = new byte[2];
        lock (Rng)
        {
            Rng.GetBytes(bytes);
        }

        return (ushort)((bytes[0] << 8) | bytes[1]);
    }
}
