using System;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// The only exception the DNS message reader throws: the bytes are not a valid DNS message.
/// <see cref="Offset"/> is where in the message the problem was found.
/// </summary>
public sealed class DnsParseException : Exception
{
    public DnsParseException(string message, int offset)
        : base(message + " (at offset " + offset + ")")
    {
        Offset = offset;
    }

    public int Offset { get; }
}
