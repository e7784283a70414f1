using System;
using System.Text;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// One command of an exact byte length, for a server that does not advertise PIPELINING (RFC 2920 forbids
/// sending it a group): NOOP with a string argument (RFC 5321 4.1.1.9), one reply owed. Any reply proves the
/// write arrived: some servers (OpenSMTPD) answer a NOOP argument, or a line beyond their limit, with a 500.
/// </summary>
internal static class SingleCommandPayload
{
    /// <summary>"NOOP x" and its CRLF.</summary>
    public const int MinPayloadSize = 8;

    public static byte[] Build(int size)
    {
        if (size < MinPayloadSize || size > EnvelopePayload.MaxPayloadSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"Single-command payloads are {MinPayloadSize} to {EnvelopePayload.MaxPayloadSize} bytes.");
        }

        var bytes = Encoding.ASCII.GetBytes("NOOP " + new string('n', size - 7) + "\r\n");
        return bytes;
    }
}
